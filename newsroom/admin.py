"""The admin site with a second login step: staff who need two-factor login
(articles/two_factor.py) give a code after their password, or set up an
authenticator app first, and reach no other admin page before. It is
`admin.site` through newsroom.apps.NewsroomAdminConfig."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from articles import two_factor


class NewsroomAdminSite(admin.AdminSite):
    """Every admin page asks for a verified session where two-factor login
    is required or set up; the login goes password, then code."""

    def has_permission(self, request):
        return super().has_permission(request) and two_factor.is_satisfied(request)

    def get_urls(self):
        own = [
            path("zwei-faktor/", self.two_factor_verify, name="two_factor_verify"),
            path(
                "zwei-faktor/einrichten/",
                self.two_factor_setup,
                name="two_factor_setup",
            ),
            path(
                "zwei-faktor/verwalten/",
                self.admin_view(self.two_factor_manage),
                name="two_factor_manage",
            ),
        ]
        return own + super().get_urls()

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        user = request.user
        if request.method == "GET" and self._second_step_pending(request):
            return self._second_step(request, self._next_url(request))
        response = super().login(request, extra_context)
        if request.user is not user and self._second_step_pending(request):
            # The password was right; the redirect goes on after the code.
            return self._second_step(request, response.url)
        return response

    def _second_step_pending(self, request):
        user = request.user
        return (
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and not two_factor.is_satisfied(request)
        )

    def _second_step(self, request, next_url):
        if two_factor.has_device(request.user):
            name = "admin:two_factor_verify"
        else:
            name = "admin:two_factor_setup"
        target = reverse(name, current_app=self.name)
        return HttpResponseRedirect(f"{target}?{urlencode({'next': next_url})}")

    def _next_url(self, request):
        url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(
            REDIRECT_FIELD_NAME, ""
        )
        if url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
        return reverse("admin:index", current_app=self.name)

    def _staff_only(self, request):
        """A redirect to the login page unless a staff user logged in."""
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff:
            return None
        login = reverse("admin:login", current_app=self.name)
        return HttpResponseRedirect(
            f"{login}?{urlencode({'next': request.get_full_path()})}"
        )

    def _render(self, request, template, context, status=200):
        request.current_app = self.name
        return TemplateResponse(
            request,
            f"admin/two_factor/{template}",
            {**self.each_context(request), "next": self._next_url(request), **context},
            status=status,
        )

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def two_factor_verify(self, request):
        """The code step: an app code or a recovery code, or cancel."""
        if refused := self._staff_only(request):
            return refused
        user, next_url = request.user, self._next_url(request)
        if two_factor.is_verified(user):
            return HttpResponseRedirect(next_url)
        if not two_factor.has_device(user):
            return self._second_step(request, next_url)
        if request.method == "POST" and "cancel" in request.POST:
            logout(request)
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        form = two_factor.CodeForm(request.POST or None)
        status = 200
        if request.method == "POST" and form.is_valid():
            if device := two_factor.code_verify(
                user=user, code=form.cleaned_data["code"]
            ):
                two_factor.session_verify(request, device)
                return HttpResponseRedirect(next_url)
            elif until := two_factor.locked_until(user):
                form.add_error(None, self._locked_message(until))
                status = 429
            else:
                form.add_error(
                    "code",
                    _(
                        "Dieser Code stimmt nicht (oder ist schon verbraucht). "
                        "Bitte geben Sie den aktuellen Code aus Ihrer App ein."
                    ),
                )
        return self._render(
            request,
            "verify.html",
            {"title": _("Anmeldung bestätigen"), "form": form},
            status,
        )

    def _locked_message(self, until):
        return _(
            "Zu viele falsche Codes: Die Anmeldung ist bis %(time)s Uhr gesperrt."
        ) % {"time": date_format(localtime(until), "H:i")}

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def two_factor_setup(self, request):
        """Enrolment: scan the QR code (or type the key), confirm with a
        code, then see the recovery codes once."""
        if refused := self._staff_only(request):
            return refused
        user = request.user
        if two_factor.has_device(user) and not two_factor.is_verified(user):
            # Only a verified session may replace an existing app.
            return self._second_step(request, self._next_url(request))
        device = two_factor.enrolment_device(user)
        form = two_factor.CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            codes = two_factor.enrolment_confirm(
                device=device, code=form.cleaned_data["code"]
            )
            if codes:
                two_factor.session_verify(request, device)
                return self._render(
                    request,
                    "recovery_codes.html",
                    {"title": _("Ihre Wiederherstellungscodes"), "codes": codes},
                )
            form.add_error(
                "code",
                _(
                    "Dieser Code stimmt nicht. Bitte prüfen Sie, ob die Uhr Ihres "
                    "Telefons stimmt, und geben Sie den aktuellen Code ein."
                ),
            )
        return self._render(
            request,
            "setup.html",
            {
                "title": _("Zwei-Faktor-Anmeldung einrichten"),
                "form": form,
                "qr_code": two_factor.qr_code_svg(device),
                "key": two_factor.readable_key(device),
                "required": two_factor.is_required(user),
            },
        )

    def two_factor_manage(self, request):
        """The user's own second factor: state, new recovery codes."""
        user = request.user
        if request.method == "POST" and two_factor.has_device(user):
            codes = two_factor.recovery_codes_renew(user=user)
            return self._render(
                request,
                "recovery_codes.html",
                {"title": _("Ihre neuen Wiederherstellungscodes"), "codes": codes},
            )
        return self._render(
            request,
            "manage.html",
            {
                "title": _("Zwei-Faktor-Anmeldung"),
                "has_device": two_factor.has_device(user),
                "required": two_factor.is_required(user),
                "codes_left": two_factor.recovery_codes_left(user),
                "setup_url": resolve_url("admin:two_factor_setup"),
            },
        )
