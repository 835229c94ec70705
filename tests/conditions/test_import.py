"""The article importer: what the seed article becomes, idempotence, and all-or-nothing failure."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from conditions.models import Condition, Status, Symptom, Tag, Treatment, WorkflowError
from conditions.services.drafts import with_draft
from conditions.services.importing import SEED_ARTICLE
from conditions.services.workflow import content_publish, content_sign_off
from conditions.vocabulary import VOCABULARY
from faq.models import FAQ

pytestmark = pytest.mark.django_db


NINE_CONDITIONS = {
    "Arthritis",
    "Posterior Cruciate Ligament Injury",
    "Anterior Cruciate Ligament Injury",
    "Meniscus Tear",
    "Gastrocnemius Tendonitis",
    "Baker’s Cyst",
    "Biceps Femoris Tendonitis",
    "Jumper’s Knee",
    "Leg Cramps",
}


def run_import(path=SEED_ARTICLE, *args):
    out = io.StringIO()
    call_command("import_article", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Every row of every content table, relations and tags included."""
    out = io.StringIO()
    call_command("dumpdata", "conditions", "faq", stdout=out)
    return out.getvalue()


def write(tmp_path, text, name="article.txt"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


GOOD = """A Title About Knees

An intro paragraph that says what this is about.

Bad Knee

Bad knee is a condition with swelling. It needs rest and ice.

Sore Knee

Sore knee makes the knee stiff. Physical therapy helps.

Frequently Asked Questions

Why do knees hurt?

Knees hurt for many reasons, such as a bad knee.

knee, swelling, rest, injuries, injury, physical therapy

Thanks for reading.
"""


MALFORMED = {
    "empty file": ("", "line 1: the file is empty"),
    "no title": (
        "This opening paragraph runs on\nover two lines, so it is no title.\n\n" + GOOD,
        "line 1: expected a title",
    ),
    "empty section": (
        GOOD.replace("Sore Knee\n\nSore knee makes", "Sore Knee\n\nEmpty One\n\nSore knee makes"),
        "line 9: the section 'Sore Knee' has no text",
    ),
    "no keyword line": (
        GOOD.replace("knee, swelling, rest, injuries, injury, physical therapy\n\n", ""),
        "without a keyword line",
    ),
    "question without answer": (
        GOOD.replace("Knees hurt for many reasons, such as a bad knee.\n\n", ""),
        "line 15: the question 'Why do knees hurt?' has no answer",
    ),
    "same section twice": (
        GOOD.replace("Sore Knee\n\nSore knee", "Bad Knee\n\nSore knee"),
        "line 9: the section 'Bad Knee' appears twice (first at line 5)",
    ),
}


@pytest.mark.usefixtures("seed_article_for_class")
class TestTheSeedArticle:
    """What the seed article becomes, and what importing over it does."""

    def test_seed_creates_the_nine_conditions_each_with_its_own_text(self):
        conditions = Condition.objects.all()
        assert {c.name for c in conditions} == NINE_CONDITIONS
        assert all(c.status == Status.PUBLISHED for c in conditions)
        summaries = [c.summary for c in conditions]
        assert len(set(summaries)) == 9
        bakers = Condition.objects.get(slug="bakers-cyst")
        assert bakers.summary.startswith("Baker’s cyst is a painful cyst")
        assert "synovial fluid" in bakers.body
        assert "Jumper" not in bakers.body

    def test_first_section_without_heading_is_named_from_its_first_sentence(self):
        arthritis = Condition.objects.get(slug="arthritis")
        assert arthritis.summary.startswith("Arthritis is one of the most common causes")
        assert "rheumatoid arthritis" in arthritis.body

    def test_intro_and_closing_are_not_condition_text(self):
        for condition in Condition.objects.all():
            assert "buckle up" not in condition.body
            assert "Spine Institute" not in condition.body

    def test_summary_is_not_repeated_at_the_start_of_the_body(self):
        leg_cramps = Condition.objects.get(slug="leg-cramps")
        assert leg_cramps.summary.startswith("Leg cramps are a common, temporary problem")
        assert not leg_cramps.body.startswith("Leg cramps are a common, temporary problem")
        assert leg_cramps.body.startswith("They can affect anyone")

    def test_alternate_names_come_from_the_vocabulary(self):
        assert "Popliteal cyst" in Condition.objects.get(slug="bakers-cyst").alternate_name_list
        assert (
            "Pulled hamstring"
            in Condition.objects.get(slug="biceps-femoris-tendonitis").alternate_name_list
        )
        assert (
            "Patellar tendonitis" in Condition.objects.get(slug="jumpers-knee").alternate_name_list
        )

    def test_the_article_is_the_clinics_text_whose_faq_answers_have_no_questions(self):
        text = SEED_ARTICLE.read_text(encoding="utf-8")
        faq_section = text.split("Frequently Asked Questions")[1].split("knee, pain,")[0]
        assert faq_section.count("\n\n") == 4  # three answers, as the clinic wrote them
        assert "?" not in faq_section

    def test_every_faq_has_a_real_question_and_its_answer(self):
        faqs = list(FAQ.objects.all())
        assert len(faqs) == 3
        for faq in faqs:
            assert faq.question.endswith("?")
            assert faq.question not in faq.answer
            assert len(faq.answer) > 100
            assert faq.status == Status.PUBLISHED
        first = faqs[0]
        assert first.question == "Why does the back of my knee hurt?"
        assert first.answer.startswith("The back of your knee may hurt")

    def test_faqs_link_to_the_conditions_they_mention(self):
        faq = FAQ.objects.get(question__startswith="What causes sudden")
        linked = {c.slug for c in faq.conditions.all()}
        assert {"bakers-cyst", "posterior-cruciate-ligament-injury"} <= linked
        assert "jumpers-knee" not in linked

    def test_symptoms_and_treatments_link_both_ways_with_the_conditions_that_mention_them(self):
        meniscus = Condition.objects.get(slug="meniscus-tear")
        assert {"Locking or catching", "Swelling"} <= {s.name for s in meniscus.symptoms.all()}
        locking = Symptom.objects.get(name="Locking or catching")
        assert [c.slug for c in locking.conditions.all()] == ["meniscus-tear"]
        reconstruction = Treatment.objects.get(name="ACL reconstruction")
        assert reconstruction.kind == Treatment.Kind.SURGERY
        assert [c.slug for c in reconstruction.conditions.all()] == [
            "anterior-cruciate-ligament-injury"
        ]
        assert "Steroid injections" in {
            t.name for t in Condition.objects.get(slug="bakers-cyst").treatments.all()
        }

    def test_every_vocabulary_term_is_used_by_some_condition(self):
        for model in (Symptom, Treatment):
            unused = [item.name for item in model.objects.all() if not item.conditions.exists()]
            assert unused == [], f"{model.__name__} in {VOCABULARY.name} never matched: {unused}"

    def test_plural_and_singular_keywords_become_one_tag(self):
        names = {name.lower() for name in Tag.objects.values_list("name", flat=True)}
        assert "injury" in names and "injuries" not in names
        assert "tear" in names and "tears" not in names
        assert "ligament" in names and "ligaments" not in names
        assert "knee injury" in names and "knee injuries" not in names
        keyword_line = SEED_ARTICLE.read_text(encoding="utf-8").split("\n\n")
        listed = next(block for block in keyword_line if block.startswith("knee, pain, back"))
        assert len(names) < len(listed.split(","))

    def test_items_are_tagged_with_keywords_their_text_mentions(self):
        bakers = Condition.objects.get(slug="bakers-cyst")
        tags = {t.name for t in bakers.tags.all()}
        # "Baker’s" with a typographic apostrophe matches the keyword "baker".
        assert {"baker", "cyst", "synovial fluid", "popliteal cyst", "arthritis"} <= tags
        assert "meniscus" not in tags
        meniscus = Condition.objects.get(slug="meniscus-tear")
        assert "meniscus tear" in {t.name for t in meniscus.tags.all()}
        # The answer mentions "injury", so the FAQ carries the tag too.
        faq = FAQ.objects.get(question__startswith="What causes sudden")
        assert "injury" in {t.name for t in faq.tags.all()}

    def test_symptoms_and_treatments_are_tagged_too(self):
        calf_pain = Symptom.objects.get(name="Calf pain")
        assert "calf" in {t.name for t in calf_pain.tags.all()}

    def test_second_run_changes_nothing(self):
        before = snapshot()
        output = run_import()
        assert snapshot() == before
        assert "conditions: 0 created, 0 updated, 9 unchanged" in output
        assert "nothing to change" in output
        assert Condition.objects.count() == 9
        assert FAQ.objects.count() == 3

    def test_rerun_over_edited_text_drafts_the_articles_and_keeps_the_live_text(self):
        Condition.objects.filter(slug="leg-cramps").update(summary="Edited")
        output = run_import()
        leg_cramps = Condition.objects.get(slug="leg-cramps")
        assert leg_cramps.summary == "Edited"  # the live page's text, until a clinician publishes
        assert with_draft(leg_cramps).summary.startswith("Leg cramps are")
        assert "conditions: 0 created, 1 updated, 8 unchanged" in output
        assert "nothing to change" in run_import()

    def test_rerun_puts_back_the_text_of_an_item_that_is_not_live(self):
        Condition.objects.filter(slug="leg-cramps").update(
            summary="Edited", status=Status.UNPUBLISHED
        )
        run_import()
        leg_cramps = Condition.objects.get(slug="leg-cramps")
        assert leg_cramps.summary.startswith("Leg cramps are")
        assert leg_cramps.status == Status.UNPUBLISHED

    def test_each_items_newest_version_holds_its_final_links_and_tags(self):
        Condition.objects.filter(slug="leg-cramps").update(summary="Edited")
        run_import()  # an update, as well as creations
        for model in (Condition, Symptom, Treatment, FAQ):
            for item in model.objects.all():
                newest = item.history.order_by("-history_date", "-history_id").first()
                assert newest.relations == item.relations_snapshot(), item
        assert all(version.relations["symptoms"] for version in Condition.history.all())

    def test_rerun_keeps_an_unpublished_items_status(self):
        Condition.objects.filter(slug="leg-cramps").update(status=Status.UNPUBLISHED)
        run_import()
        assert Condition.objects.get(slug="leg-cramps").status == Status.UNPUBLISHED

    @pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
    def test_malformed_article_names_the_problem_and_changes_nothing(self, tmp_path, case):
        text, message = MALFORMED[case]
        before = snapshot()
        with pytest.raises(CommandError, match="nothing was imported") as error:
            run_import(write(tmp_path, text))
        assert message in str(error.value)
        assert snapshot() == before

    def test_non_utf8_file_names_the_line(self, tmp_path):
        data = GOOD.encode("utf-8").replace(b"Sore knee makes", b"Sore knee \xe9 makes")
        before = snapshot()
        with pytest.raises(
            CommandError, match=r"line 11: the file is not UTF-8 text \(byte 0xe9\)"
        ):
            run_import(write(tmp_path, data))
        assert snapshot() == before

    def test_bad_vocabulary_changes_nothing(self, tmp_path):
        vocabulary = write(tmp_path, '[conditions."Bad Knee"]\nknee_areas = ["elbow"]\n', "v.toml")
        before = snapshot()
        with pytest.raises(CommandError, match="unknown knee area"):
            run_import(write(tmp_path, GOOD), "--vocabulary", str(vocabulary))
        assert snapshot() == before


def test_keywords_join_existing_tags_that_differ_only_in_plural_or_case():
    injuries = Tag.objects.create(name="Injuries")
    run_import()
    assert not Tag.objects.filter(name__iexact="injury").exists()
    faq = FAQ.objects.get(question__startswith="What causes sudden")
    assert injuries in faq.tags.all()


def test_import_reports_what_it_created():
    output = run_import()
    assert "conditions: 9 created, 0 updated, 0 unchanged" in output
    assert "FAQs: 3 created" in output
    assert "changed." in output


def test_dry_run_reports_but_writes_nothing():
    output = run_import(SEED_ARTICLE, "--dry-run")
    assert "conditions: 9 created" in output
    assert "would change" in output
    assert Condition.objects.count() == 0
    assert Tag.objects.count() == 0


def test_small_article_in_the_same_shape_imports(tmp_path):
    run_import(write(tmp_path, GOOD))
    bad_knee = Condition.objects.get(slug="bad-knee")
    assert {s.name for s in bad_knee.symptoms.all()} == {"Swelling"}
    assert {t.name for t in bad_knee.treatments.all()} == {"Rest", "Ice and cold packs"}
    assert {t.name for t in bad_knee.tags.all()} == {"knee", "swelling", "rest"}
    faq = FAQ.objects.get()
    assert [c.slug for c in faq.conditions.all()] == ["bad-knee"]


def test_answers_without_a_question_in_the_vocabulary_become_drafts_that_need_one(
    tmp_path, clinician
):
    article = write(tmp_path, GOOD.replace("Why do knees hurt?\n\n", ""))
    run_import(article)

    faq = FAQ.objects.get()
    assert (faq.question, faq.status) == ("", Status.DRAFT)
    assert faq.answer == "Knees hurt for many reasons, such as a bad knee."
    assert str(faq).startswith("Needs a question: Knees hurt")
    content_sign_off(faq, clinician)
    with pytest.raises(WorkflowError, match="it needs a question"):
        content_publish(faq, clinician)

    faq.question = "Why do knees hurt?"
    faq.save()
    content_sign_off(faq, clinician)
    content_publish(faq, clinician)
    run_import(article)
    assert FAQ.objects.count() == 1
    faq.refresh_from_db()
    assert (faq.question, faq.status) == ("Why do knees hurt?", Status.PUBLISHED)


def test_an_unpublished_faq_without_a_question_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        FAQ.objects.create(question="", slug="x", answer="An answer.", status=Status.PUBLISHED)


def test_the_admin_index_lists_answers_that_need_a_question(tmp_path, admin_client):
    run_import(write(tmp_path, GOOD.replace("Why do knees hurt?\n\n", "")))

    html = admin_client.get("/admin/").content.decode()

    assert "Answers that need a question" in html
    assert f'href="/admin/faq/faq/{FAQ.objects.get().pk}/change/"' in html


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run_import(tmp_path / "nope.txt")


def test_seed_site_imports_once_and_creates_one_admin():
    out = io.StringIO()
    call_command("seed_site", stdout=out)
    assert "Created admin user 'admin' with password: " in out.getvalue()
    user = get_user_model().objects.get(username="admin")
    password_hash = user.password
    assert Condition.objects.count() == 9
    # An empty site gets the first article published, marked not yet reviewed.
    assert set(Condition.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert not Condition.objects.filter(reviewed_by__isnull=False).exists()

    again = io.StringIO()
    call_command("seed_site", stdout=again)
    assert "password is unchanged" in again.getvalue()
    assert "not re-imported" in again.getvalue()
    assert get_user_model().objects.get(username="admin").password == password_hash
    assert Condition.objects.count() == 9
