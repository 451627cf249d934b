"""Where a signup starts: misrepresentation, Limited Access at signup, the starter region."""

from __future__ import annotations

import pytest

from server.domain.deployments import REGIONS
from server.domain.misrepresentation import police_matches
from server.domain.review import Admission, initial_access
from server.domain.starter import REGION_BY_COUNTRY, region_for
from server.domain.tenants import AccessReview, CustomerType


@pytest.mark.parametrize(("organization", "email", "fragment"), [
    ("Springfield Police Department", "it@springfield.example", "organization contains 'police'"),
    ("County SHERIFF's Office", "a@county.example", "organization contains 'sheriff'"),
    ("Avon and Somerset Constabulary", "a@example.org", "constabulary"),
    ("Gendarmerie nationale", "a@example.fr", "gendarmerie"),
    ("Arma dei Carabinieri", "a@example.it", "carabinieri"),
    ("Polizei Berlin", "a@example.de", "polizei"),
    ("Policía Nacional", "a@example.es", "policía"),
    ("Texas Highway Patrol", "a@example.org", "highway patrol"),
    ("Acme Analytics", "analyst@met.police.uk", "ends with .police.uk"),
    ("Acme Analytics", "analyst@pd.springfield.gov", "contains 'pd'"),
    ("Acme Analytics", "analyst@city.pd.example.us", "contains 'pd'"),
    ("Acme Analytics", "analyst@city-police.example", "contains 'police'"),
])
def test_signups_that_read_as_police_are_caught(organization: str, email: str, fragment: str) -> None:
    matches = police_matches(organization, email)
    assert any(fragment in match for match in matches), matches


@pytest.mark.parametrize(("organization", "email"), [
    ("Policy Research Institute", "a@policy.example"),
    ("Metropolis Photo", "a@updates.example.com"),
    ("Impolite Robots Ltd", "team@spd-analytics.example"),
    ("Sheriffmuir Bakery", "a@bakery.example"),
])
def test_words_that_merely_contain_a_police_word_are_not_caught(organization: str, email: str) -> None:
    assert police_matches(organization, email) == ()


def test_a_police_signup_declaring_another_type_waits_for_review_with_the_match_named() -> None:
    admission = initial_access(CustomerType.COMMERCIAL, declared_use_cases=["identity_verification"],
                               police_matches=police_matches("Springfield Police", "a@b.example"))
    assert admission.access is AccessReview.PENDING and admission.confirm_type
    assert "organization contains 'police'" in admission.reasons[0] and "commercial" in admission.reasons[0]


def test_a_police_signup_declaring_detection_only_still_waits_for_review() -> None:
    admission = initial_access(CustomerType.NONPROFIT, declared_use_cases=["redaction"],
                               police_matches=("organization contains 'police'",))
    assert admission.access is AccessReview.PENDING


@pytest.mark.parametrize("kind", ["commercial", "education", "healthcare", "nonprofit", "individual"])
def test_trusted_customer_types_are_approved_at_once(kind: str) -> None:
    assert initial_access(CustomerType(kind), declared_use_cases=["touchless_access_control"]) == Admission(
        AccessReview.APPROVED)


@pytest.mark.parametrize("kind", ["law_enforcement", "government"])
def test_law_enforcement_and_government_wait_for_review(kind: str) -> None:
    admission = initial_access(CustomerType(kind), declared_use_cases=["touchless_access_control"],
                               no_policing_function=True)
    assert admission.access is AccessReview.PENDING
    assert admission.reasons == (f"customer type {kind} is reviewed by an operator",)


def test_the_operator_setting_decides_which_types_are_approved_at_once() -> None:
    only_education = [CustomerType.EDUCATION]
    assert initial_access(CustomerType.COMMERCIAL, auto_approved=only_education).access is AccessReview.PENDING
    assert initial_access(CustomerType.EDUCATION, auto_approved=only_education).access is AccessReview.APPROVED


def test_declared_use_cases_decide_whether_recognition_is_wanted_at_all() -> None:
    assert initial_access(CustomerType.COMMERCIAL, declared_use_cases=["redaction"]).access is \
        AccessReview.NOT_REQUESTED
    assert initial_access(CustomerType.LAW_ENFORCEMENT, declared_use_cases=["redaction"]).access is \
        AccessReview.NOT_REQUESTED


@pytest.mark.parametrize(("country", "region"), [
    ("US", "eastus"), ("GB", "uksouth"), ("DE", "germanywestcentral"), ("FR", "francecentral"),
    ("IN", "centralindia"), ("BR", "brazilsouth"), ("JP", "japaneast"), ("ZA", "southafricanorth"),
    ("PE", "westeurope"),
])
def test_the_starter_deployment_goes_to_a_region_near_the_country(country: str, region: str) -> None:
    assert region_for(country) == region


def test_every_starter_region_offers_the_face_service() -> None:
    assert set(REGION_BY_COUNTRY.values()) <= set(REGIONS)


@pytest.mark.parametrize("organization", ["Kent \uff30\uff2f\uff2c\uff29\uff23\uff25", "Kent Pol\u200bice",
                                          "KENT POLICE"])
def test_police_words_are_found_through_fullwidth_letters_and_invisible_characters(organization: str) -> None:
    assert police_matches(organization, "office@kent.example")
