"""Recovering a lost management token by email: the link in the outbox works once and revokes the old
token; an address no tenant uses gets the same answer, in the same time, by the same work."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from flask.testing import FlaskClient
from redis import Redis
from redis.client import Pipeline

from server.domain.credentials import hash_secret
from server.domain.token_recovery import LINK_LIFETIME, REQUESTS_PER_ADDRESS, REQUESTS_PER_EMAIL
from server.store import keys
from tests.support.tenants import Account, sign_up
from tests.support.terms import ADMIN
from tests.support.workers import run_queued_jobs

RECOVERY_SUBJECT = "Your new Visage management token"


def ask(client: FlaskClient, email: str, client_address: str = "203.0.113.1") -> Any:
    return client.post("/signup/recover", json={"email": email}, environ_base={"REMOTE_ADDR": client_address})


def outbox(client: FlaskClient) -> list[dict[str, Any]]:
    response = client.get("/admin/v1/outbox", headers=ADMIN)
    assert response.status_code == 200
    return list(response.get_json())


def recovery_links(client: FlaskClient, tenant_id: str) -> list[str]:
    return [email["link"] for email in outbox(client)
            if email["tenant_id"] == tenant_id and email["subject"] == RECOVERY_SUBJECT]


def token_of(link: str) -> str:
    return parse_qs(urlparse(link).query)["token"][0]


def tenant_status(client: FlaskClient, token: str) -> int:
    return client.get("/mgmt/v1/tenant", headers={"Authorization": f"Bearer {token}"}).status_code


@pytest.fixture
def account(client: FlaskClient) -> Account:
    return sign_up(client, email="Owner@Recover-Test.example")


def test_the_link_issues_a_new_token_once_and_the_old_one_stops_working(client: FlaskClient, redis_db: Redis,
                                                                       account: Account) -> None:
    assert ask(client, "owner@recover-test.example").status_code == 202
    assert recovery_links(client, account.tenant_id) == []  # a worker sends it, not the request
    run_queued_jobs(redis_db)
    [link] = recovery_links(client, account.tenant_id)
    parsed = urlparse(link)
    assert parsed.path == "/signup/recover/confirm"
    token = token_of(link)
    assert 0 < redis_db.ttl(keys.token_recovery(hash_secret(token))) <= LINK_LIFETIME.total_seconds()
    assert redis_db.get(keys.token_recovery(token)) is None  # stored by its hash only

    for _ in range(2):  # opening the link (a mail scanner, say) does not use it up
        page = client.get(f"{parsed.path}?{parsed.query}")
        assert page.status_code == 200 and 'id="issue-token"' in page.get_data(as_text=True)
    assert tenant_status(client, account.token) == 200

    issued = client.post("/signup/recover/confirm", json={"token": token})
    assert issued.status_code == 200
    body = issued.get_json()
    assert body["tenant_id"] == account.tenant_id and body["management_token"] != account.token
    assert tenant_status(client, account.token) == 401
    assert tenant_status(client, body["management_token"]) == 200

    again = client.post("/signup/recover/confirm", json={"token": token})
    assert again.status_code == 400 and again.get_json()["error"]["code"] == "RecoveryLinkNotValid"
    assert client.get(f"{parsed.path}?{parsed.query}").status_code == 400
    assert tenant_status(client, body["management_token"]) == 200

    own = client.get("/mgmt/v1/audit", headers={"Authorization": f"Bearer {body['management_token']}"}).get_json()
    steps = [entry["action"] for entry in own if entry.get("kind") == "management_token_recovery"]
    assert steps == ["token_replaced", "link_sent"]
    assert any(email["subject"] == "Your Visage management token was replaced" and email["tenant_id"] ==
               account.tenant_id for email in outbox(client))


def test_the_first_link_used_wins_and_the_others_die(client: FlaskClient, redis_db: Redis, account: Account) -> None:
    ask(client, account_email(account))
    ask(client, account_email(account), "203.0.113.2")
    run_queued_jobs(redis_db)
    newest, oldest = recovery_links(client, account.tenant_id)
    assert client.post("/signup/recover/confirm", json={"token": token_of(oldest)}).status_code == 200
    late = client.post("/signup/recover/confirm", json={"token": token_of(newest)})
    assert late.status_code == 400 and late.get_json()["error"]["code"] == "RecoveryLinkNotValid"


def account_email(account: Account) -> str:
    return "owner+console@RECOVER-TEST.example"  # the same mailbox: case and +tags aside


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(client: FlaskClient, redis_db: Redis,
                                                                     account: Account) -> None:
    known = ask(client, "owner@recover-test.example")
    unknown = ask(client, "nobody@recover-test.example", "198.51.100.9")
    assert (known.status_code, known.get_json()) == (unknown.status_code, unknown.get_json())
    varying = {"apim-request-id", "Date"}
    assert ({k: v for k, v in known.headers.items() if k not in varying}
            == {k: v for k, v in unknown.headers.items() if k not in varying})
    before = outbox(client)
    run_queued_jobs(redis_db)
    sent = [email for email in outbox(client) if email not in before]
    assert [(email["tenant_id"], email["to"].lower()) for email in sent] == [
        (account.tenant_id, "owner@recover-test.example")]


@contextlib.contextmanager
def redis_commands(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The name of every command sent to Redis meanwhile, pipelined or not, in order."""
    seen: list[str] = []
    direct, pipelined = Redis.execute_command, Pipeline.execute

    def execute_command(self: Redis, *args: Any, **options: Any) -> Any:
        seen.append(str(args[0]).upper())
        return direct(self, *args, **options)

    def execute(self: Pipeline, raise_on_error: bool = True) -> Any:
        seen.extend(str(args[0]).upper() for args, _ in self.command_stack)
        return pipelined(self, raise_on_error)

    with monkeypatch.context() as patched:
        patched.setattr(Redis, "execute_command", execute_command)
        patched.setattr(Pipeline, "execute", execute)
        yield seen


def test_timing_cannot_tell_a_known_address_from_an_unknown_one(client: FlaskClient, account: Account,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The request does the same Redis work, command for command, whether or not a tenant uses the
    address (the lookup and the emails happen in a worker): nothing for a clock to measure. Wall-clock
    times of the two, measured in one run, are in bench/token_recovery.py (a shared machine's noise
    would make them a flaky test)."""
    ask(client, "warm-up@recover-test.example", "192.0.2.1")
    with redis_commands(monkeypatch) as for_known:
        assert ask(client, "owner@recover-test.example", "192.0.2.2").status_code == 202
    with redis_commands(monkeypatch) as for_unknown:
        assert ask(client, "stranger@recover-test.example", "192.0.2.3").status_code == 202
    assert for_known and for_known == for_unknown


def test_requests_are_limited_per_mailbox_and_per_client_whether_or_not_a_tenant_uses_it(client: FlaskClient,
                                                                                        account: Account) -> None:
    calls, _ = REQUESTS_PER_EMAIL
    for mailbox in ("owner@recover-test.example", "ghost@recover-test.example"):
        answers = [ask(client, mailbox, f"10.9.{index}.1").status_code for index in range(calls + 1)]
        assert answers == [202] * calls + [429]
    calls, _ = REQUESTS_PER_ADDRESS
    answers = [ask(client, f"someone{index}@elsewhere-{index}.example", "10.8.0.1").status_code
               for index in range(calls + 1)]
    assert answers == [202] * calls + [429]
    limited = ask(client, "someone-else@elsewhere.example", "10.8.0.1")
    assert limited.headers["Retry-After"] and limited.get_json()["error"]["code"] == "429"
    answers = [ask(client, f"v6-{index}@elsewhere-{index}.example", f"2001:db8:5:5::{index + 1:x}").status_code
               for index in range(calls + 1)]
    assert answers == [202] * calls + [429]  # one /64 is one client


def test_bad_requests_are_refused_and_change_nothing(client: FlaskClient, redis_db: Redis) -> None:
    assert client.post("/signup/recover", json={}).status_code == 400
    assert client.post("/signup/recover", json={"email": "not-an-email"}).status_code == 400
    assert client.post("/signup/recover", json={"email": "a@b.example", "tenant": "x"}).status_code == 400
    assert client.post("/signup/recover/confirm", json={}).status_code == 400
    assert client.post("/signup/recover/confirm", json={"token": "made-up"}).get_json()["error"]["code"] == (
        "RecoveryLinkNotValid")
    assert client.get("/signup/recover/confirm").status_code == 400
    assert redis_db.keys("rq:*") == []


def test_the_pages_ask_confirm_and_show_the_token_once(client: FlaskClient, redis_db: Redis, account: Account) -> None:
    page = client.get("/signup/recover")
    assert page.status_code == 200 and 'name="email"' in page.get_data(as_text=True)
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script" not in page.get_data(as_text=True)
    bad = client.post("/signup/recover", data={"email": "nope"})
    assert bad.status_code == 400 and 'id="email-error"' in bad.get_data(as_text=True)
    sent = client.post("/signup/recover", data={"email": "owner@recover-test.example"})
    unknown = client.post("/signup/recover", data={"email": "who@recover-test.example"},
                          environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert sent.status_code == unknown.status_code == 202
    assert sent.get_data() == unknown.get_data()
    run_queued_jobs(redis_db)
    [link] = recovery_links(client, account.tenant_id)
    confirm = client.get(urlparse(link).path + "?" + urlparse(link).query)
    assert confirm.headers["Referrer-Policy"] == "no-referrer"
    done = client.post("/signup/recover/confirm", data={"token": token_of(link)})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "Your new management token" in html
    new_token = html.split('id="management-token"><code>')[1].split("</code>")[0]
    assert tenant_status(client, new_token) == 200 and tenant_status(client, account.token) == 401
    used = client.post("/signup/recover/confirm", data={"token": token_of(link)})
    assert used.status_code == 400 and "This link does not work" in used.get_data(as_text=True)
