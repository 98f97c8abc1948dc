"""`dukungan demo`: the whole system on embedded defaults, with a generated sample submission.

It migrates the database, starts the API and a worker as child processes, creates an election
with a voter list of fictional people, uploads a generated submission through the HTTP API,
closes it, waits for the reading and the checks, and prints the candidate's status.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from dukungan.settings import Settings

WAIT_SECONDS = 900


class DemoFailed(Exception):
    pass


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    return subprocess.Popen([sys.executable, "-m", "dukungan.cli", *args], env=env, stdout=out,
                            stderr=subprocess.STDOUT)


def _wait_http(url: str, procs: list[subprocess.Popen[bytes]], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise DemoFailed("a process ended early; see var/demo-*.log")
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise DemoFailed(f"{url} did not become ready; see var/demo-*.log")


def _poll(client: httpx.Client, path: str, until: Any, what: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(path).raise_for_status().json()
        if until(body):
            return body
        time.sleep(1)
    raise DemoFailed(f"gave up waiting for {what}")


def drive(url: str, token: str, seed: int) -> dict[str, Any]:
    """Everything a commission does for one candidate, through the public API."""
    from synth.documents import make_submission
    from synth.people import make_people, voter_list_csv
    from synth.regions import JAKARTA

    files, truth, people = make_submission(seed, n_letters=3, n_list_pages=1, rows_per_page=10,
                                           districts=JAKARTA, with_zip=True)
    neighbours = make_people(3000, seed + 1, JAKARTA)
    admin = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120)
    code = f"DEMO-{seed}-{int(time.time())}"
    el = admin.post("/api/v1/elections", json={"code": code, "name": "Pilgub DKI Jakarta (demo)",
                                               "region_code": "31", "voting_date": "2024-11-27"})
    el.raise_for_status()
    election = el.json()
    print(f"election {election['code']}: {election['name']}")
    # the voter list: the sample's people and some neighbours who did not sign
    imp = admin.post(f"/api/v1/elections/{election['id']}/voters",
                     files={"file": ("dpt.csv", voter_list_csv([*people, *neighbours]).encode(),
                                                "text/csv")}).json()
    job = _poll(admin, f"/api/v1/imports/{imp['import_id']}", lambda b: b["status"] != "running", "the DPT")
    print(f"voter list: {job['rows_loaded']} loaded, {job['rows_rejected']} rejected")
    cand = admin.post(f"/api/v1/elections/{election['id']}/candidates",
                      json={"name": "Calon Demo", "running_mate": "Wakil Demo"}).json()
    operator = admin.post("/api/v1/users", json={"name": "operator demo", "role": "operator"}).json()
    team = admin.post("/api/v1/users", json={"name": "tim calon demo", "role": "candidate",
                                             "candidate_id": cand["id"]}).json()
    op = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {operator['token']}"}, timeout=300)
    sub = op.post(f"/api/v1/candidates/{cand['id']}/submissions", json={"kind": "initial"}).json()
    up = op.post(f"/api/v1/submissions/{sub['id']}/documents",
                 files=[("file", (name, data, "application/octet-stream")) for name, data in files])
    up.raise_for_status()
    docs = up.json()["documents"]
    print(f"uploaded {len(files)} files as {len(docs)} documents "
          f"({len(truth['supporters'])} supporters, {len(truth['cards'])} ID cards in the sample)")
    op.post(f"/api/v1/submissions/{sub['id']}/close").raise_for_status()
    t0 = time.monotonic()
    _poll(op, f"/api/v1/submissions/{sub['id']}", lambda b: b["status"] == "closed", "the submission")
    for d in docs:
        doc = op.get(f"/api/v1/documents/{d['id']}").json()
        err = f"  error {doc['error']['code']}" if doc.get("error") else ""
        print(f"  {doc['filename']:<28} {doc['status']:<8} pages={doc['pages']}{err}")
    status: dict[str, Any] = admin.get(f"/api/v1/candidates/{cand['id']}/status").json()
    print(f"processed in {time.monotonic() - t0:.0f} s")
    status["_team_token"] = team["token"]
    status["_candidate_id"] = cand["id"]
    return status


def run_demo(settings: Settings, *, host: str, port: int, keep: bool, seed: int) -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    var = Path("var")
    var.mkdir(exist_ok=True)
    token = settings.admin_token or secrets.token_urlsafe(24)
    env = {**os.environ, "DUKUNGAN_ADMIN_TOKEN": token, "OMP_THREAD_LIMIT": "1"}
    subprocess.run([sys.executable, "-m", "dukungan.cli", "migrate"], env=env, check=True)
    url = f"http://{host}:{port}"
    procs = [_start(["serve", "--host", host, "--port", str(port)], env, var / "demo-api.log"),
             _start(["worker", "--threads", "2"], env, var / "demo-worker.log")]
    try:
        _wait_http(url, procs)
        status = drive(url, token, seed)
        team_token = status.pop("_team_token")
        cand_id = status.pop("_candidate_id")
        print(json.dumps(status, indent=2))
        print(f"\nThe system runs at {url}  (admin token: {token})")
        print(f"Candidate team sign-in token: {team_token}  (candidate {cand_id})")
        print(f"API docs: {url}/docs")
        if keep:
            print("Press Ctrl-C to stop.")
            while all(p.poll() is None for p in procs):
                time.sleep(1)
        return 0
    except DemoFailed as exc:
        print(f"dukungan demo: {exc}", file=sys.stderr)
        return 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
