"""Process, port and log helpers: start in the background, stop by PID, wait for readiness."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from importer.devcat.errors import DevCatalogueError, ServerStartError

LOG_TAIL_LINES = 30


def pid_alive(pid: int | None) -> bool:
    """True if a process with this PID exists and is not a zombie."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def stop_pid(pid: int | None, sig: int = signal.SIGTERM, timeout: float = 15.0) -> bool:
    """Send ``sig`` to one PID, wait for it to go, SIGKILL it after ``timeout``.

    Returns True if the process was running. Only ever the PID we recorded: never a name.
    """
    if not pid_alive(pid):
        return False
    assert pid is not None
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pid)
        if not pid_alive(pid):
            return True
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _reap(pid)
    return True


def _reap(pid: int) -> None:
    """Collect our own exited child so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """True if something accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port(preferred: int | None = None, host: str = "127.0.0.1") -> int:
    """``preferred`` if nothing listens there and it can be bound, else an OS-chosen free port."""
    if preferred and not port_in_use(preferred, host):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # servers set SO_REUSEADDR too: a port in TIME_WAIT after `down` is still free
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, preferred))
                return preferred
            except OSError:
                pass
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """Last lines of a log file ('' if it does not exist)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def start_background(
    argv: Sequence[str], log_path: Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> int:
    """Start a detached process (own session) with stdout+stderr appended to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
    return proc.pid


def run(
    argv: Sequence[str],
    what: str,
    env: dict[str, str] | None = None,
    log_path: Path | None = None,
    timeout: float = 900.0,
) -> str:
    """Run a command to completion; on failure raise with the tail of its output, not a trace."""
    try:
        proc = subprocess.run(
            list(argv), capture_output=True, text=True, env=env, timeout=timeout, check=False
        )
    except FileNotFoundError as exc:
        raise DevCatalogueError(f"{what} failed: {exc.filename} not found") from None
    except subprocess.TimeoutExpired:
        raise DevCatalogueError(f"{what} timed out after {timeout:.0f} s") from None
    output = proc.stdout + proc.stderr
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"$ {' '.join(argv)}\n{output}\n")
    if proc.returncode != 0:
        last = "\n".join(output.splitlines()[-LOG_TAIL_LINES:])
        raise DevCatalogueError(f"{what} failed (exit {proc.returncode}):\n{last}")
    return proc.stdout


def http_json(
    url: str, payload: dict[str, Any] | None = None, token: str | None = None, timeout: float = 30
) -> Any:
    """GET (or POST JSON) and decode the JSON answer; HTTP errors return CKAN's error body."""
    data = None if payload is None else json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(url, data=data)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", token)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", errors="replace")
        try:
            return json.loads(body)
        except ValueError:
            raise DevCatalogueError(f"{url}: HTTP {exc.code}: {body[:300]}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise DevCatalogueError(f"{url}: {getattr(exc, 'reason', exc)}") from None


def ckan_responds(url: str, timeout: float = 3.0) -> bool:
    """True if a CKAN answers ``status_show`` at this site URL."""
    try:
        body = http_json(f"{url}/api/3/action/status_show", timeout=timeout)
    except (DevCatalogueError, ValueError):
        return False
    return bool(isinstance(body, dict) and body.get("success"))


def wait_until(
    ready: Any, pid: int | None, log_path: Path, what: str, timeout: float = 120.0
) -> None:
    """Poll ``ready()`` until true; if the process dies or time runs out, show its log tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if pid is not None:
            _reap(pid)
            if not pid_alive(pid):
                raise ServerStartError(
                    f"{what} exited during start-up. Last lines of {log_path}:\n{tail(log_path)}"
                )
        time.sleep(0.25)
    raise ServerStartError(
        f"{what} was not ready after {timeout:.0f} s. Last lines of {log_path}:\n{tail(log_path)}"
    )


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Serialize up/down/reset between processes (two test sessions, CLI + tests)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
