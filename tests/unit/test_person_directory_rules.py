"""PersonDirectory rules and the identify scope of a body, without Redis or HTTP."""

from __future__ import annotations

import uuid

import pytest

from server.domain.detection import RecognitionModel
from server.domain.person_directory import (
    DirectoryScope,
    MembershipChange,
    check_group_id,
    check_model,
    check_person_ids,
    check_start_person,
    distinct_models,
)
from server.errors import BadArgument
from server.schemas.person_directory import directory_scope

A, B = str(uuid.uuid4()), str(uuid.uuid4())


@pytest.mark.parametrize("text", ["recognition_02", "recognition_03", "recognition_04", "RECOGNITION_04"])
def test_the_directory_takes_recognition_02_to_04(text: str) -> None:
    assert check_model(text) is RecognitionModel(text.lower())


@pytest.mark.parametrize(("text", "message"), [
    ("recognition_01", "Recognition model is not supported for this feature."),
    ("recognition_05", "'recognitionModel' is invalid."),
    ("", "'recognitionModel' is invalid."),
])
def test_other_models_are_bad_arguments(text: str, message: str) -> None:
    with pytest.raises(BadArgument) as refused:
        check_model(text)
    assert refused.value.message == message


def test_group_ids_follow_collection_ids_with_the_code_the_caller_says() -> None:
    assert check_group_id("night-shift_2") == "night-shift_2"
    for bad in ("Upper", "", "x" * 65, "a b", "a:b"):
        with pytest.raises(BadArgument) as in_path:
            check_group_id(bad)
        assert (in_path.value.code, in_path.value.message) == (
            "DynamicPersonGroupNotFound", "Dynamic person group ID is invalid.")
    with pytest.raises(BadArgument) as in_body:
        check_group_id("Upper", code="BadArgument")
    assert in_body.value.code == "BadArgument"


def test_paging_persons_starts_after_a_person_id() -> None:
    assert check_start_person(None) is None and check_start_person("") is None
    assert check_start_person(A.upper()) == A
    with pytest.raises(BadArgument, match="'start' is not valid person ID."):
        check_start_person("group-1")


def test_person_id_lists_are_uuids_each_once_in_order() -> None:
    assert check_person_ids([B, A, B.upper()], field="addPersonIds") == (B, A)
    for bad in ([], "x", None, [A, 7], [A, "nope"]):
        with pytest.raises(BadArgument):
            check_person_ids(bad, field="addPersonIds")


def test_a_person_cannot_be_added_and_removed_at_once() -> None:
    assert MembershipChange().empty and not MembershipChange((A,), ()).empty
    with pytest.raises(BadArgument, match="both addPersonIds and removePersonIds"):
        MembershipChange((A, B), (B,))


def test_probes_of_a_directory_call_share_one_supported_model() -> None:
    model = RecognitionModel.RECOGNITION_04
    assert distinct_models([model, model]) is model
    with pytest.raises(BadArgument, match="'recognitionModel' is incompatible."):
        distinct_models([model, RecognitionModel.RECOGNITION_03])
    with pytest.raises(BadArgument, match="not supported for this feature"):
        distinct_models([RecognitionModel.RECOGNITION_01])


def test_the_identify_scope_of_a_body() -> None:
    assert directory_scope(None, None) is None
    assert directory_scope(["*"], None) == DirectoryScope()
    assert directory_scope([A, A, B], None) == DirectoryScope(person_ids=(A, B))
    assert directory_scope(None, "door") == DirectoryScope(group_id="door")


@pytest.mark.parametrize(("person_ids", "group_id", "code", "message"), [
    (["*"], "door", "IncompatibleIdentificationScopeParametersCombination",
     "Incompatible identification scope parameters are present in the request."),
    ([], None, "BadArgument", "The length of personIds is not in a valid range."),
    ([str(uuid.uuid4()) for _ in range(31)], None, "BadArgument", "The length of personIds is not in a valid range."),
    ("*", None, "BadArgument", "The length of personIds is not in a valid range."),
    (["*", A], None, "BadArgument", 'personIds is ["*"] alone (the whole directory) or a list of person IDs.'),
    ([A, "nope"], None, "BadArgument", "Person ID is invalid."),
    (None, 42, "BadArgument", "Dynamic person group ID is invalid."),
    (None, "Door", "BadArgument", "Dynamic person group ID is invalid."),
])
def test_bad_identify_scopes(person_ids: object, group_id: object, code: str, message: str) -> None:
    with pytest.raises(BadArgument) as refused:
        directory_scope(person_ids, group_id)
    assert (refused.value.code, refused.value.message) == (code, message)
