#!/usr/bin/env python3
"""How long an editor waits when saving an article with a new photo.

    .venv/bin/python bench/photos.py [--repeat 3]

Posts the article form of the admin, as a browser does, with a camera-like
JPEG of 2, 12 and 39 megapixels (noise over a gradient, so that it
compresses like a photo: about 1, 5 and 9 MB) and prints the time from
request to response: the upload checks, the original stripped of its
metadata, every rendition encoded and written (after the commit), the
article saved. Runs on a SQLite database and media folder of its own in a
temporary directory; the median of --repeat saves is printed, as wall
time and as this process's CPU time (less distorted on a busy machine)."""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# megapixels: (size, JPEG quality); the 39 megapixels a little more
# compressed, to stay under the 10 MB upload limit.
SIZES = {2: ((1600, 1200), 95), 12: ((4000, 3000), 95), 39: ((7200, 5400), 85)}


def camera_jpeg(size, quality):
    """A JPEG that compresses like a photo (a few MB at 12 megapixels)."""
    from PIL import Image

    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 20)
    channels = [
        Image.blend(gradient, noise, 0.35),
        Image.blend(gradient.rotate(90).resize(size), noise, 0.25),
        noise,
    ]
    buffer = io.BytesIO()
    Image.merge("RGB", channels).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-photos-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from articles.models import ImageCredit, Photo

    call_command("migrate", verbosity=0)
    # An editor (group Redaktion, created by the migrations): a superuser
    # would be sent to the two-factor set-up instead of saving.
    user = User.objects.create_user("bench", password="bench-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktion"))
    credit = ImageCredit.objects.create(creator="victor69", source="123rf.com")
    client = Client()
    client.force_login(user)
    print("save of an article with a new photo (admin form, renditions included)")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for megapixels, (size, quality) in SIZES.items():
        data = camera_jpeg(size, quality)
        times, cpu_times = [], []
        for number in range(args.repeat):
            form = {
                "kicker": "Essen",
                "title": f"Foto {megapixels} MP ({number})",
                "slug": f"foto-{megapixels}-{number}",
                "lead": "Vorspann.",
                "body": "<p>Text</p>",
                "status": "draft",
                "published_at_0": "",
                "published_at_1": "",
                "unpublish_at_0": "",
                "unpublish_at_1": "",
                "tags": "",
                "alt_text": "Ein Foto",
                "caption": "",
                "image_credit": credit.pk,
                "image": SimpleUploadedFile("foto.jpg", data, "image/jpeg"),
            }
            start, cpu_start = time.perf_counter(), time.process_time()
            response = client.post(reverse("admin:articles_article_add"), form)
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
            if response.status_code != 302 or "/zwei-faktor/" in response["Location"]:
                raise SystemExit(f"{megapixels} MP: refused ({response.status_code})")
        photo = Photo.objects.latest("pk")
        print(
            f"  {megapixels:>2} MP  {size[0]}×{size[1]}  "
            f"{len(data) / 1_000_000:4.1f} MB  "
            f"{statistics.median(times):5.2f} s  "
            f"(CPU {statistics.median(cpu_times):4.2f} s)  "
            f"({len(photo.renditions['files'])} renditions)"
        )


if __name__ == "__main__":
    main()
