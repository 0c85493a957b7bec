"""Two-factor login for staff: who must enrol, the code step after the
password (app codes and recovery codes), its lock after wrong codes, the
admin staying shut until then, and the reset command."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import ArticleStatus
from articles.two_factor import recovery_codes_renew
from tests.factories import (
    PASSWORD,
    log_in_with_second_factor,
    make_article,
    make_totp_device,
    make_user,
    totp_code,
)
from tests.html import parse_html
from tests.test_permissions import (
    EXPECTED,
    answer_to,
    objects,
    run_action,
    url_for,
    users,
)

pytestmark = pytest.mark.django_db

__all__ = ["objects", "users"]  # fixtures of the matrix test, shared below

LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
VERIFY = reverse("admin:two_factor_verify")
SETUP = reverse("admin:two_factor_setup")
MANAGE = reverse("admin:two_factor_manage")
WRONG_CODE = "Dieser Code stimmt nicht"


def make_superuser(**fields):
    return make_user(is_superuser=True, username="chefin", **fields)


def make_publisher():
    return make_user(username="cvd", groups=["Chef vom Dienst"])


def enter_password(client, user, next_url=INDEX):
    return client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "next": next_url}
    )


def enter_code(client, code, next_url=INDEX):
    return client.post(VERIFY, {"code": code, "next": next_url})


def errors(response):
    """The page's text as a reader sees it, where the form errors show."""
    return parse_html(response.content.decode()).text


def recovery_codes(response):
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


# Who must enrol


@pytest.mark.parametrize("make", [make_superuser, make_publisher])
def test_superusers_and_publishers_enrol_before_reaching_the_admin(client, make):
    user = make()
    response = enter_password(client, user, "/admin/articles/article/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP + "?next=")
    # Nothing of the admin before the second factor is set up.
    assert client.get(INDEX)["Location"].startswith(LOGIN)
    assert client.get("/admin/articles/article/")["Location"].startswith(LOGIN)

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<img" not in html.split("<main")[-1]
    assert "Zwei-Faktor-Anmeldung einrichten" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = client.post(response["Location"], {"code": "000000"})
    assert WRONG_CODE in errors(wrong)
    done = client.post(
        response["Location"],
        {"code": totp_code(device), "next": "/admin/articles/article/"},
    )
    assert len(recovery_codes(done)) == 10
    assert "nur jetzt angezeigt" in done.content.decode()
    assert client.get("/admin/articles/article/").status_code == 200


def test_a_plain_editor_logs_in_with_the_password_alone(client):
    editor = make_user(groups=["Redaktion"])
    response = enter_password(client, editor)
    assert response["Location"] == INDEX
    assert client.get(INDEX).status_code == 200


def test_the_setting_requires_it_for_every_staff_user(client, settings):
    settings.TWO_FACTOR_FOR_ALL_STAFF = True
    editor = make_user(groups=["Redaktion"])
    assert enter_password(client, editor)["Location"].startswith(SETUP)
    assert client.get(INDEX)["Location"].startswith(LOGIN)


def test_an_editor_who_set_it_up_voluntarily_gives_a_code_too(client):
    editor = make_user(groups=["Redaktion"])
    device = make_totp_device(editor)
    assert enter_password(client, editor)["Location"].startswith(VERIFY)
    assert client.get(INDEX)["Location"].startswith(LOGIN)
    assert enter_code(client, totp_code(device))["Location"] == INDEX
    assert client.get(INDEX).status_code == 200


# The code step


def test_wrong_code_is_refused_in_german_and_the_right_one_lets_in(client):
    user = make_superuser()
    device = make_totp_device(user)
    assert enter_password(client, user)["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert "sechsstelligen Code" in client.get(VERIFY).content.decode()
    wrong = enter_code(client, "123456")
    assert wrong.status_code == 200
    assert WRONG_CODE in errors(wrong)
    assert client.get(INDEX)["Location"].startswith(LOGIN)
    assert enter_code(client, totp_code(device))["Location"] == INDEX
    assert client.get(INDEX).status_code == 200


def test_a_code_is_accepted_only_once(client):
    user = make_superuser()
    device = make_totp_device(user)
    code = totp_code(device)
    enter_password(client, user)
    assert enter_code(client, code).status_code == 302
    client.post(reverse("admin:logout"))
    enter_password(client, user)
    assert WRONG_CODE in errors(enter_code(client, code))


def test_a_recovery_code_works_once(client):
    user = make_superuser()
    make_totp_device(user)
    code = recovery_codes_renew(user=user)[0]
    enter_password(client, user)
    assert enter_code(client, code.upper())["Location"] == INDEX
    assert client.get(INDEX).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9

    client.post(reverse("admin:logout"))
    enter_password(client, user)
    assert WRONG_CODE in errors(enter_code(client, code))
    assert client.get(INDEX)["Location"].startswith(LOGIN)


def test_wrong_codes_lock_the_code_step_like_wrong_passwords(client, settings):
    user = make_superuser()
    device = make_totp_device(user)
    recovery_codes_renew(user=user)
    enter_password(client, user)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert WRONG_CODE in errors(enter_code(client, "000000"))
    locked = enter_code(client, "000000")
    assert locked.status_code == 429
    assert "Zu viele falsche Codes" in errors(locked)
    # Locked: the right code is refused as well, also after logging in again
    # with the password (which resets the password's own failures).
    assert enter_code(client, totp_code(device)).status_code == 429
    client.post(reverse("admin:logout"))
    enter_password(client, user)
    assert enter_code(client, totp_code(device)).status_code == 429
    assert client.get(INDEX)["Location"].startswith(LOGIN)

    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME):
        assert enter_code(client, totp_code(device))["Location"] == INDEX
        assert client.get(INDEX).status_code == 200


@pytest.mark.parametrize("code", ["", "1" * 200, "12\x0034", "' OR 1=1 --"])
def test_odd_input_in_the_code_step_gets_a_form_error(client, code):
    user = make_superuser()
    make_totp_device(user)
    enter_password(client, user)
    response = enter_code(client, code)
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert client.get(INDEX)["Location"].startswith(LOGIN)


def test_the_code_step_goes_on_only_to_this_site(client):
    user = make_superuser()
    device = make_totp_device(user)
    enter_password(client, user)
    response = enter_code(client, totp_code(device), "https://evil.example/")
    assert response["Location"] == INDEX


def test_cancel_logs_out(client):
    user = make_superuser()
    make_totp_device(user)
    enter_password(client, user)
    assert client.post(VERIFY, {"cancel": "1"})["Location"] == LOGIN
    assert client.get(VERIFY)["Location"].startswith(LOGIN)


def test_enrolment_cannot_replace_an_app_before_the_code(client):
    user = make_superuser()
    make_totp_device(user)
    enter_password(client, user)
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_after_the_password_alone_no_admin_url_and_no_preview_answers(client, objects):
    """The permission matrix's URLs for a superuser who gave only the
    password: the login page, logout's redirect and the code step only."""
    user = make_superuser()
    make_totp_device(user)
    enter_password(client, user)
    answers = {}
    for model, view in sorted(EXPECTED):
        url = url_for(model, view, objects)
        if view.startswith("do:"):
            answers[model, view] = run_action(client, url, view, objects[0][model])
        else:
            answers[model, view] = answer_to(client.get(url))
    expected = dict.fromkeys(EXPECTED, "login") | {
        ("-", "login"): "302",  # on to the code step
        ("-", "logout"): "302",
        ("-", "preview"): "404",
        ("-", "two_factor_verify"): "200",
        ("-", "two_factor_setup"): "302",  # to the code step
    }
    assert answers == expected


def test_an_unverified_superuser_sees_no_draft_in_the_preview(client):
    user = make_superuser()
    make_totp_device(user)
    draft = make_article(status=ArticleStatus.DRAFT)
    enter_password(client, user)
    assert client.get(reverse("articles:preview", args=[draft.pk])).status_code == 404


# Managing one's own second factor, and the reset


def test_new_recovery_codes_replace_the_old_ones(client):
    user = make_superuser()
    old = recovery_codes_renew(user=user)
    log_in_with_second_factor(client, user)
    page = client.get(MANAGE).content.decode()
    assert "noch 10 unbenutzte Wiederherstellungscodes" in page
    response = client.post(MANAGE)
    new = recovery_codes(response)
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


def test_the_admin_links_to_the_two_factor_page(client):
    log_in_with_second_factor(client, make_superuser())
    assert f'href="{MANAGE}"' in client.get(INDEX).content.decode()


def test_reset_command_makes_the_user_enrol_again(client, capsys):
    user = make_superuser()
    make_totp_device(user)
    recovery_codes_renew(user=user)
    call_command("reset_two_factor", "chefin")
    out = capsys.readouterr().out
    assert re.search(r"Zwei-Faktor-Anmeldung von chefin zurückgesetzt", out)
    assert "richtet sie beim nächsten Anmelden neu ein" in out
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert enter_password(client, user)["Location"].startswith(SETUP)


def test_reset_command_explains_an_unknown_user():
    with pytest.raises(CommandError, match="Benutzer „niemand“ gibt es nicht"):
        call_command("reset_two_factor", "niemand")


def test_publishers_group_is_the_one_the_migration_made():
    assert Group.objects.filter(name="Chef vom Dienst").exists()


def test_time_steps_of_the_test_helper_match_the_device():
    user = make_superuser()
    device = make_totp_device(user)
    assert device.verify_token(totp_code(device))
    assert not device.verify_token(totp_code(device))
    assert device.verify_token(totp_code(device, steps=1))
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert device.verify_token(totp_code(device))
