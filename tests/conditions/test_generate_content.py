"""`manage.py generate_content`: synthetic content at scale, in the proportions the docs give."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conditions.models import Condition, Status, Symptom, Tag, Treatment
from faq.models import FAQ

pytestmark = pytest.mark.django_db


def generate(n, **options):
    out = StringIO()
    call_command("generate_content", conditions=n, stdout=out, **options)
    return out.getvalue()


def generated(model):
    return model.objects.filter(slug__startswith="generated-")


def test_makes_content_in_realistic_proportions():
    generate(60)

    assert generated(Condition).count() == 60
    assert generated(Symptom).count() == 30
    assert generated(Treatment).count() == 20
    assert generated(FAQ).count() == 15
    assert generated(Tag).count() == 6
    published = generated(Condition).filter(status=Status.PUBLISHED).count()
    assert 45 <= published < 60  # about 90 %, never all
    for condition in generated(Condition).prefetch_related("symptoms", "treatments", "tags"):
        assert 3 <= condition.symptoms.count() <= 6
        assert 2 <= condition.treatments.count() <= 4
        assert 3 <= condition.tags.count() <= 6
        assert condition not in condition.related.all()
    related = generated(Condition).filter(related__isnull=False).first()
    assert related in related.related.first().related.all()  # both ways, as the admin links


def test_the_same_seed_gives_the_same_content():
    generate(20, seed=7)
    first = list(generated(Condition).order_by("slug").values_list("name", "status"))
    for model in (Condition, Symptom, Treatment, FAQ, Tag):
        generated(model).delete()

    generate(20, seed=7)

    assert list(generated(Condition).order_by("slug").values_list("name", "status")) == first


def test_the_public_pages_show_it_at_once(client):
    before = client.get("/conditions/").text  # keeps the list's count until content changes
    assert "Page 1 of" not in before

    generate(120)

    page = client.get("/conditions/").text
    assert "Page 1 of" in page
    condition = generated(Condition).filter(status=Status.PUBLISHED).first()
    assert client.get(f"/conditions/{condition.slug}/").status_code == 200
    assert condition.name in client.get("/search/", {"q": condition.name}).text


def test_a_dry_run_leaves_nothing():
    assert "Would generate 10 conditions" in generate(10, dry_run=True)

    assert not generated(Condition).exists() and not generated(Tag).exists()


@pytest.mark.parametrize("n", [0, -5])
def test_refuses_fewer_than_one_condition(n):
    with pytest.raises(CommandError, match="at least 1"):
        generate(n)


def test_refuses_to_generate_twice():
    generate(5)

    with pytest.raises(CommandError, match="fresh database"):
        generate(5)
    assert generated(Condition).count() == 5
