"""API fuzzing with schemathesis against a real server: `make fuzz-api` (minutes; not part of `make test`).

    .venv/bin/python -m fuzz.api [--examples 40] [--seed 1]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/DB .venv/bin/python -m fuzz.api

Starts uvicorn on a fresh database (SQLite in a temp dir unless DATABASE_URL is
set), creates a calendar and events for the paths to reach, and runs
schemathesis (pinned in fuzz/requirements.txt, its own venv under .tools/) over
the whole OpenAPI document twice: with an admin token, and without one. Every
5xx fails the run (`not_a_server_error`); the answers must also match the
document (status codes, content types, response schemas). `/revoke` is left
out: it would revoke the fuzzer's own token. The server's log is printed when a
run fails, so each failure comes with its traceback.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import httpx

from bench.support import fresh_service, wait_until_healthy

SCHEMATHESIS = Path(".tools/schemathesis/bin/schemathesis").resolve()
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def seed(base: str, token: str) -> dict[str, str]:
    """A calendar, a plain event, a hybrid one with questions, and one registration: real path values."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        client.post("/api/calendars", json={"slug": "fz", "name": "Fuzz", "timezone": "Europe/Brussels"})
        plain = client.post(
            "/api/events",
            json={
                "calendar": "fz",
                "title": "Fuzz event",
                "timezone": "Europe/Brussels",
                "start": "2030-03-01T10:00:00",
                "end": "2030-03-01T12:00:00",
                "capacity": 5,
            },
        ).json()["slug"]
        client.post(
            "/api/events",
            json={
                "calendar": "fz",
                "title": "Fuzz hybrid",
                "timezone": "America/Santiago",
                "start": "2030-04-06T22:30:00",
                "end": "2030-04-07T01:00:00",
                "attendance_mode": "hybrid",
                "capacity": 3,
                "registration": {
                    "online_capacity": 2,
                    "requires_confirmation": True,
                    "questions": [
                        {"key": "diet", "label": "Diet", "type": "choice", "options": ["none", "vegan"]},
                        {"key": "needs", "label": "Needs", "type": "text"},
                    ],
                },
            },
        )
        person = {"name": "Fuzz Person", "email": "fuzz@example.org", "consent": True}
        token_of = client.post(f"/api/events/{plain}/registrations", json=person).json()["token"]
    return {"slug": plain, "token": token_of}


# A bug of hypothesis under CPython 3.11 while it builds strategies (no request is sent): reported
# as a schemathesis "runtime error", not a finding about the service.
TOOL_BUGS = ("AST constructor recursion depth mismatch",)


def run_schemathesis(url: str, config: Path, examples: int, seed: int, headers: list[str], report: Path) -> int:
    """schemathesis' exit code, except that runs whose only errors are known tool bugs pass."""
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        url,
        "--checks",
        CHECKS,
        "--max-examples",
        str(examples),
        "--seed",
        str(seed),
        "--workers",
        "2",
        "--exclude-path-regex",
        "/revoke",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    for header in headers:
        command += ["--header", header]
    print("$", " ".join([*command[:1], "…", *command[4:]]), flush=True)
    code = subprocess.run(command, check=False, cwd=report.parent).returncode  # its cache stays in the temp dir
    if code == 0 or not report.exists():
        return code
    failures, errors = 0, []
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        failures += len(case.findall("failure"))
        errors += [(case.get("name", "?"), e.get("message", "") + (e.text or "")) for e in case.findall("error")]
    real = [name for name, text in errors if not any(bug in text for bug in TOOL_BUGS)]
    if failures == 0 and not real:
        print(f"fuzz-api: {len(errors)} schemathesis tool error(s) only ({', '.join(TOOL_BUGS)}); not a finding")
        return 0
    return code


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=40, help="examples per operation and run")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not SCHEMATHESIS.exists():
        print(f"error: {SCHEMATHESIS} is missing; run `make fuzz-api`, which installs it", file=sys.stderr)
        return 2
    service = fresh_service("fuzz-api-")
    workdir, port, base, env, token = service.workdir, service.port, service.base, service.env, service.token
    log = (workdir / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "calendar_service.asgi:app", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_healthy(base)
        values = seed(base, token)
        config = workdir / "schemathesis.toml"
        config.write_text(
            "[parameters]\n"
            f'"path.slug" = "{values["slug"]}"\n'
            f'"path.token" = "{values["token"]}"\n'
            '"path.registration_id" = 1\n'
        )
        url = f"{base}/schema/openapi.json"
        auth = [f"Authorization: Bearer {token}"]
        with_token = run_schemathesis(url, config, args.examples, args.seed, auth, workdir / "with-token.xml")
        without = run_schemathesis(url, config, args.examples, args.seed + 1, [], workdir / "without-token.xml")
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()
    failed = with_token != 0 or without != 0
    errors = [line for line in (workdir / "server.log").read_text().splitlines() if line.strip()]
    if failed and errors:
        print("\nserver log (last 80 lines):", *errors[-80:], sep="\n")
    print(f"\nfuzz-api: {'FAILED' if failed else 'passed'} (with token: exit {with_token}, without: exit {without})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
