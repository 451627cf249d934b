"""The provider's copies of the server's rules stay equal to the server's (the provider must not import the
server at run time; these tests may, as they run in the repository's environment)."""

from __future__ import annotations

from terraform_provider_visage import rules

from server.domain import collections, deployments, detection


def test_regions_are_the_servers() -> None:
    assert rules.REGIONS == deployments.REGIONS


def test_skus_and_key_names_are_the_servers() -> None:
    assert rules.SKUS == tuple(sku.value for sku in deployments.Sku)
    assert rules.KEY_NAMES == tuple(key.value for key in deployments.KeyName)


def test_recognition_models_are_the_servers() -> None:
    assert rules.RECOGNITION_MODELS == tuple(model.value for model in detection.RecognitionModel)


def test_name_and_id_patterns_are_the_servers() -> None:
    assert rules.DEPLOYMENT_NAME.pattern == deployments.NAME_PATTERN.pattern
    assert rules.COLLECTION_ID.pattern == collections.ID_PATTERN.pattern
    assert rules.GROUP_NAME_MAX == collections.NAME_MAX
    assert rules.USER_DATA_MAX == collections.COLLECTION_USER_DATA_MAX
