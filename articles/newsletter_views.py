"""The reader pages of the newsletter: subscribe, confirm, unsubscribe.

None of them is cached (never_cache; they declare nothing to the page
cache): they depend on a token or a form, not on articles."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from . import newsletters
from .forms import NewsletterSubscribeForm

MAIL_NOT_SENT = _(
    "Wir konnten Ihnen gerade keine E-Mail schicken. Bitte versuchen Sie es "
    "in einigen Minuten noch einmal."
)


@method_decorator(never_cache, name="dispatch")
class NewsletterSubscribeView(FormView):
    """The subscription form; a valid request mails the confirmation link
    and leads to the same "check your mail" page whatever the address."""

    template_name = "newsletters/subscribe.html"
    form_class = NewsletterSubscribeForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            newsletters.subscription_request(
                email=data["email"],
                frequency=data["frequency"],
                scope=data["scope"],
                municipalities=data["municipalities"],
                topics=data["topics"],
                request=self.request,
            )
        except newsletters.MailNotSent:
            form.add_error(None, MAIL_NOT_SENT)
            return self.render_to_response(self.get_context_data(form=form), status=503)
        return redirect("articles:newsletter_check_mail")


@method_decorator(never_cache, name="dispatch")
class NewsletterCheckMailView(TemplateView):
    template_name = "newsletters/check_mail.html"

    def get_context_data(self, **kwargs):
        hours = settings.NEWSLETTER_CONFIRM_HOURS
        return super().get_context_data(hours=hours, **kwargs)


@method_decorator(never_cache, name="dispatch")
class NewsletterConfirmView(View):
    """GET shows what the link does (a button, so that link scanners in
    mail systems confirm nothing); POST confirms, or with "renew" mails a
    fresh link for an expired one."""

    template_name = "newsletters/confirm.html"

    def get(self, request, token):
        state = newsletters.subscription_state(token)
        return self.page(state)

    def post(self, request, token):
        if "renew" in request.POST:
            try:
                renewed = newsletters.subscription_renew(token=token, request=request)
            except newsletters.MailNotSent:
                return self.page("mail_not_sent", status=503)
            if renewed:
                return redirect("articles:newsletter_check_mail")
            return self.page(newsletters.subscription_state(token))
        state, _subscriber = newsletters.subscription_confirm(token=token)
        return self.page("done" if state == "confirmed" else state)

    def page(self, state, status=None):
        status = status or (404 if state == "unknown" else 200)
        context = {"state": state, "hours": settings.NEWSLETTER_CONFIRM_HOURS}
        return render(self.request, self.template_name, context, status=status)


@method_decorator([never_cache, csrf_exempt], name="dispatch")
class NewsletterUnsubscribeView(View):
    """GET asks for confirmation with a button; POST unsubscribes, also as
    the one-click POST of RFC 8058 that mail programs send without cookies
    or a CSRF token. Unknown links get the same answer: unsubscribed."""

    template_name = "newsletters/unsubscribe.html"

    def get(self, request, token):
        return render(request, self.template_name, {"done": False})

    def post(self, request, token):
        newsletters.subscriber_unsubscribe(token=token)
        return render(request, self.template_name, {"done": True})
