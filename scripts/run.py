"""`make run`: migrate, load the demo data, then serve the web app, a Celery worker (with beat)
and a render worker (the `renders` queue: PDFs) together.

Stops them all on Ctrl-C. Uses embedded defaults (SQLite, a file-system broker) unless DATABASE_URL,
REDIS_URL or CELERY_BROKER_URL are set.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "leerkring-demo")


def manage(*args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def main() -> int:
    os.environ.setdefault("DEBUG", "true")
    # The demo lets a newcomer try every role at once, without an authenticator app for each.
    os.environ.setdefault("MFA_REQUIRED", "false")
    os.environ.setdefault("SITE_URL", f"http://{HOST}:{PORT}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkring.settings")
    try:
        manage("migrate", "--no-input", "--verbosity", "0")
        manage("collectstatic", "--no-input", "--verbosity", "0")
        logins = manage("seed_demo", "--password", DEMO_PASSWORD, capture=True)
    except subprocess.CalledProcessError as exc:
        return exc.returncode

    processes = [
        # The worker with an embedded beat: meeting reminders go out on schedule in the demo too.
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "leerkring",
                "worker",
                "--beat",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--queues",
                "celery",
                "--hostname",
                "default@%h",
            ],
            cwd=ROOT,
        ),
        # PDF renders on their own queue and worker, one at a time: a long render never keeps
        # an e-mail or reminder waiting.
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "leerkring",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
                "--queues",
                "renders",
                "--hostname",
                "renders@%h",
                "--max-tasks-per-child",
                "20",
            ],
            cwd=ROOT,
        ),
        subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"], cwd=ROOT
        ),
    ]
    time.sleep(2)
    print(
        "\n"
        f"Leerkring is running at http://{HOST}:{PORT}/  (health: http://{HOST}:{PORT}/healthz)\n"
        f"Demo logins (password: {DEMO_PASSWORD}):\n"
        + "".join(f"  {line}\n" for line in logins.splitlines())
        + (
            "MFA is switched OFF for this demo (MFA_REQUIRED=false); in production researchers, "
            "organisers and staff must set up an authenticator app.\n"
            if os.environ["MFA_REQUIRED"].lower() in ("false", "0", "no", "off")
            else ""
        )
        + "E-mails are printed here by the Celery worker. Stop with Ctrl-C.\n",
        flush=True,
    )

    def stop(*_args) -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    # Ctrl-C must stop both even when started from a shell that ignores SIGINT in background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
