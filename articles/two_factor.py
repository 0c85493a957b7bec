"""Two-factor login for staff: who needs it, checking a code (from an
authenticator app, or a recovery code that is used up), the lock after too
many wrong codes, enrolment and reset. django-otp keeps the devices; the
admin site (newsroom/admin.py) asks for the code and refuses every admin page
until the session is verified."""

import logging
from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger("newsroom.two_factor")

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "Authenticator-App"
RECOVERY_NAME = "Wiederherstellungscodes"


def is_required(user):
    """Whether `user` must log in with a second factor: superusers, those who
    may publish (group "Chef vom Dienst"), and every staff user when
    NEWSROOM_TWO_FACTOR_FOR_ALL_STAFF=1."""
    if not (user.is_active and user.is_staff):
        return False
    return (
        user.is_superuser
        or settings.TWO_FACTOR_FOR_ALL_STAFF
        or user.has_perm("articles.publish_article")
    )


def has_device(user):
    """Whether `user` has set up an authenticator app (confirmed)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user):
    """Whether this request's session passed the second factor (django-otp's
    middleware sets `otp_device`; a user just logged in has none)."""
    return getattr(user, "otp_device", None) is not None


def is_satisfied(request):
    """Whether `request.user` may use the admin as far as the second factor
    goes: verified, or neither required nor set up. Cached on the user
    object, which a login replaces."""
    user = request.user
    if not hasattr(user, "_two_factor_satisfied"):
        user._two_factor_satisfied = (
            not user.is_authenticated
            or is_verified(user)
            or not (is_required(user) or has_device(user))
        )
    return user._two_factor_satisfied


def session_verify(request, device):
    """Mark this session as verified by `device` (a new session key, as
    after the password)."""
    request.session.cycle_key()
    otp_login(request, device)
    request.user._two_factor_satisfied = True


def _devices(user, *, for_verify=False):
    """The user's confirmed devices: the app first, then recovery codes."""
    found = []
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user, confirmed=True).order_by("pk")
        if for_verify:
            devices = devices.select_for_update()
        found += devices
    return found


def locked_until(user):
    """When the code step opens again for `user` after AXES_FAILURE_LIMIT
    wrong codes in a row (the password's limit and cool-off), or None.
    Counted on the devices in the database, so every app server agrees, and
    a new password login does not reset it: only a right code does."""
    return _lock_end(_devices(user))


def _lock_end(devices):
    failed = [d for d in devices if d.throttling_failure_timestamp]
    if not failed:
        return None
    failures = max(device.throttling_failure_count for device in failed)
    last = max(device.throttling_failure_timestamp for device in failed)
    until = last + settings.AXES_COOLOFF_TIME
    if failures >= settings.AXES_FAILURE_LIMIT and until > timezone.now():
        return until
    return None


def code_verify(*, user, code):
    """The device that accepts `code` (a six-digit app code, or a recovery
    code, which is deleted), or None; a wrong code counts as a failure, and
    while locked_until() no code is tried at all."""
    code = "".join(code.split()).lower()
    with transaction.atomic():
        # Locked rows: parallel attempts are counted one after the other.
        devices = _devices(user, for_verify=True)
        if _lock_end(devices):
            return None
        accepted = next((d for d in devices if code and d.verify_token(code)), None)
        if accepted:
            for device in devices:
                if device.throttling_failure_count:
                    device.throttle_reset()
        else:
            logger.warning("Wrong second-factor code for user %s", user.pk)
    return accepted


def enrolment_device(user):
    """The app device `user` is setting up: an unconfirmed one with a new
    secret key, kept until confirmed so that a reload shows the same key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, confirmed=False
    )


def enrolment_confirm(*, device, code):
    """Confirm `device` with a code from the app; it replaces the user's
    other devices, and new recovery codes are made. Returns the codes (shown
    to the user once) or None when the code is wrong."""
    with transaction.atomic():
        if not device.verify_token("".join(code.split())):
            return None
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return recovery_codes_renew(user=device.user)


def recovery_codes_renew(*, user):
    """New recovery codes for `user`; the old ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME)
        codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=code) for code in codes
        )
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_reset(*, user):
    """Remove all of `user`'s devices (a lost phone): the next login starts
    enrolment again where it is required. Returns how many were removed."""
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, StaticDevice):
            removed += (
                model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
            )
    return removed


def qr_code_svg(device):
    """The device's otpauth:// URL as an inline SVG QR code: no image URL, no
    script, so the Content Security Policy stays strict."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=str(_("QR-Code für die App"))
    )


def readable_key(device):
    """The secret key in Base32 groups of four, for typing into the app."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "inputmode": "text",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )
