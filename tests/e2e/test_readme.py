"""The README's tour runs as written, in order, in one fresh shell, against a fresh `visage up --dev`.

The convention: every fenced block in the README's "## A tour" section, from its heading to the next
`## ` heading, is part of the tour and must be `sh`, `bash` or `python`. Shell blocks are sourced, in
order, by one `bash` (so variables and functions carry over) started with a clean environment: a home
directory and a TMPDIR of its own, `PATH` without the virtual environment, and `EP` set to the
server's endpoint. `python` blocks run with the checkout's `.venv/bin/python` in that shell (so they
see what it exported), from the checkout's root. Blocks anywhere else in the README are not run here;
the tour is the place for what a newcomer runs.

The shell runs with `set -euo pipefail`, and `curl` fails on an HTTP error status (`--fail-with-body`),
so a block that "runs" but gets a 4xx or 5xx fails the test. Beyond exit statuses, the test checks
what the tour's steps produced: a verification, an identification naming the enrolled person, the
SDK's answer, boto3's match, a redacted clip with every frame, and that nothing was written into the
checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from server.services.dev_account import DEV_KEY1
from tests.support.live import visage_up

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
TOUR_HEADING = "## A tour"
RUNNABLE = ("sh", "bash", "python")
TOOLS = ("bash", "curl", "jq", "terraform")
"""What the tour calls besides the checkout's own programs; missing ones fail the test."""

STEPS = {
    "the well-known development key": re.escape(DEV_KEY1),
    "signup": r"curl .*\$EP/signup ",
    "detect with curl": r"curl .*/face/v1\.2/detect",
    "verify with curl": r"curl .*/face/v1\.2/verify",
    "identify with curl": r"curl .*/identify\"",
    "the policy dry run": r"curl .*/mgmt/v1/policy/evaluate",
    "Visage's SDK": r"from visage import .*FaceClient",
    "Microsoft's official SDK": r"from azure\.ai\.vision\.face import FaceClient",
    "boto3 on the Rekognition surface": r"boto3\.client\(\"rekognition\", endpoint_url=",
    "redacting the test clip": r"/media/v1/redactions.*\n.*short_hamilton_clip\.mp4",
    "Terraform": r"terraform -chdir=\S+ apply",
    "the audit check": r"visage audit verify",
}
"""What issue 14 asks the tour to show: a step that goes missing fails the test."""

BLOCK_MARK = "::tour-block"
SHELL_PRELUDE = """\
set -euo pipefail
curl() { command curl --fail-with-body "$@"; }   # an HTTP error status fails the block (the test's rule)
"""


@dataclass(frozen=True)
class Block:
    language: str
    code: str
    line: int
    """The README line of the opening fence."""


def tour_blocks(readme: str) -> list[Block]:
    """The fenced blocks of the tour section, in order."""
    lines = readme.splitlines(keepends=True)
    try:
        start = next(i for i, line in enumerate(lines) if line.rstrip() == TOUR_HEADING)
    except StopIteration:
        pytest.fail(f"the README has no {TOUR_HEADING!r} section")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    blocks: list[Block] = []
    opened: tuple[str, int, list[str]] | None = None
    for number in range(start, end):
        line = lines[number]
        fence = re.match(r"^```(\S*)\s*$", line)
        if fence and opened is None:
            opened = (fence.group(1), number + 1, [])
        elif fence and opened is not None:
            blocks.append(Block(opened[0], "".join(opened[2]), opened[1]))
            opened = None
        elif opened is not None:
            opened[2].append(line)
    assert opened is None, f"README.md:{opened[1] if opened else 0}: a code block in the tour is never closed"
    return blocks


def test_the_tour_shows_every_step_in_blocks_that_can_run() -> None:
    blocks = tour_blocks(README.read_text())
    shown_only = [f"README.md:{b.line} ({b.language or 'no language'})" for b in blocks if b.language not in RUNNABLE]
    assert not shown_only, f"every block of the tour runs, so it must be one of {RUNNABLE}: {shown_only}"
    code = "".join(block.code for block in blocks)
    missing = [step for step, pattern in STEPS.items() if not re.search(pattern, code)]
    assert not missing, f"the tour no longer shows: {missing}"
    assert code.index(DEV_KEY1) < code.index("/signup"), "the tour starts with the dev key, then signs up"


def script_for(blocks: list[Block], directory: Path) -> Path:
    """One bash script that sources each shell block and runs each Python block, announcing each."""
    python = REPO / ".venv" / "bin" / "python"
    parts = [SHELL_PRELUDE]
    for index, block in enumerate(blocks):
        parts.append(f"echo '{BLOCK_MARK} {index} README.md:{block.line}'\n")
        if block.language == "python":
            path = directory / f"{index:02d}.py"
            path.write_text(block.code)
            parts.append(f"{python} {path}\n")
        else:
            path = directory / f"{index:02d}.sh"
            path.write_text(block.code)
            parts.append(f"source {path}\n")
    parts.append(f"echo '{BLOCK_MARK} end'\nprintf '::WORK=%s\\n::P=%s\\n' \"$WORK\" \"$P\"\n")
    script = directory / "tour.sh"
    script.write_text("".join(parts))
    return script


def fresh_shell_environment(home: Path, endpoint: str) -> dict[str, str]:
    """A newcomer's shell: its own home and TMPDIR, the PATH without the virtual environment (the
    README names .venv/bin/... itself), and the endpoint the tour's first block keeps."""
    venv_bins = {str(REPO / ".venv" / "bin"), str(Path(sys.executable).parent)}
    path = os.pathsep.join(entry for entry in os.environ["PATH"].split(os.pathsep) if entry not in venv_bins)
    tmp = home.parent / "tmp"
    tmp.mkdir()
    return {"PATH": path, "HOME": str(home), "TMPDIR": str(tmp), "LANG": "C.UTF-8", "EP": endpoint,
            "CHECKPOINT_DISABLE": "1"}  # Terraform's update check: no call leaves the machine


def untracked_files() -> set[str]:
    listed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout
    return {line[3:] for line in listed.splitlines() if line.startswith("??")}


def frame_count(path: Path) -> int:
    import cv2

    video = cv2.VideoCapture(str(path))
    try:
        count = 0
        while video.read()[0]:
            count += 1
        return count
    finally:
        video.release()


@pytest.mark.timeout(1500)
def test_the_tour_runs_as_written_against_a_fresh_visage_up_dev(tmp_path: Path) -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    assert not missing, f"the README's tour needs {missing} on PATH"
    assert (REPO / ".venv" / "bin" / "python").exists(), "the tour runs .venv/bin/python: run `make setup`"
    clip = REPO.parent / "shared" / "faces" / "video" / "short_hamilton_clip.mp4"
    assert clip.exists(), f"the tour reads the photos and the clip in ../shared/faces ({clip} is missing)"
    blocks = tour_blocks(README.read_text())
    assert blocks, "the tour has no code blocks"
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "blocks").mkdir()
    script = script_for(blocks, tmp_path / "blocks")
    before = untracked_files()

    # the server a newcomer starts with `make run`: --dev, default data dir under their home
    with visage_up(home / ".visage", args=["--dev"], extra_env={"HOME": str(home)}) as live:
        ran = subprocess.run(["bash", "--noprofile", "--norc", str(script)], cwd=REPO,
                             env=fresh_shell_environment(home, live.endpoint),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1400)
    output = ran.stdout
    if ran.returncode != 0:
        started = re.findall(rf"^{BLOCK_MARK} (\d+) (\S+)$", output, re.MULTILINE)
        where = f"the block at {started[-1][1]}" if started else "the prelude"
        failing = blocks[int(started[-1][0])].code if started else SHELL_PRELUDE
        pytest.fail(f"the tour stopped in {where} (exit status {ran.returncode}):\n{failing}\n"
                    f"--- output (last 60 lines) ---\n" + "\n".join(output.splitlines()[-60:]))
    assert f"{BLOCK_MARK} end" in output

    values = dict(re.findall(r"^::(\w+)=(.*)$", output, re.MULTILINE))
    work = Path(values["WORK"])
    assert work.is_dir() and not work.resolve().is_relative_to(REPO), "the tour's secrets go outside the checkout"
    assert (work / "signup.json").exists()
    assert untracked_files() <= before, "the tour wrote files into the checkout"
    assert not (REPO / "terraform" / "examples" / "basic" / "terraform.tfstate").exists()

    assert re.search(r'"isIdentical": ?true', output), "curl's verify of two photos of one person"
    assert "'isIdentical': True" in output, "the official SDK's verify of two photos of one person"
    assert re.search(rf'"candidates": \[\{{"personId": "{re.escape(values["P"])}"', output), \
        "identify names the person enrolled"
    assert re.search(r"^Biden$", output, re.MULTILINE), "the SDK identifies Biden"
    match = re.search(r"^obama (\d+(?:\.\d+)?)$", output, re.MULTILINE)
    assert match and float(match.group(1)) >= 80, "boto3 finds obama above Rekognition's default threshold"
    redacted = work / "clip-redacted.mp4"
    assert redacted.exists() and redacted.read_bytes() != clip.read_bytes()
    assert frame_count(redacted) == frame_count(clip), "the redacted clip keeps every frame"
    assert re.search(r"^OK: \d+ audit entries", output, re.MULTILINE), "visage audit verify finds the chain intact"
