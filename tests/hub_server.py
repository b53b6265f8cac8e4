"""A tiny Hugging Face Hub on localhost for download tests: the routes huggingface_hub uses to resolve a
revision, list a repository's files and download them (`/api/models/<id>/revision/<rev>`,
`/api/models/<id>/tree/<commit>`, `/<id>/resolve/<rev>/<file>`), with private repositories that want
`Authorization: Bearer <token>` and the error headers the Hub sends (`X-Error-Code`)."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


@dataclass
class Repo:
    revisions: dict[str, str]  # branch or tag → commit
    files: dict[str, dict[str, bytes]]  # commit → path → content
    token: str | None = None  # a private repository's token


@dataclass
class FakeHub:
    repos: dict[str, Repo] = field(default_factory=dict)
    # (method, path, Authorization header or None) of every request, in order.
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def endpoint(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeHub:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_HEAD(self) -> None:
                hub._answer(self, body=False)

            def do_GET(self) -> None:
                hub._answer(self, body=True)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # --- routing ------------------------------------------------------------------------------------
    def _answer(self, h: BaseHTTPRequestHandler, body: bool) -> None:
        path = unquote(urlsplit(h.path).path)
        auth = h.headers.get("Authorization")
        self.requests.append((h.command, h.path, auth))
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "models"] and len(parts) >= 6 and parts[4] in ("revision", "tree"):
            repo_id, route = "/".join(parts[2:4]), parts[4]
            # /revision/<rev>; /tree/<rev>[/<folder>]
            rev, folder = (
                ("/".join(parts[5:]), "") if route == "revision" else (parts[5], "/".join(parts[6:]))
            )
            repo, commit = self._resolve(h, repo_id, rev, auth, body)
            if repo is None:
                return
            if route == "revision":
                doc = {
                    "id": repo_id,
                    "modelId": repo_id,
                    "sha": commit,
                    "private": repo.token is not None,
                    "siblings": [{"rfilename": p} for p in sorted(repo.files[commit])],
                }
            else:
                doc = [
                    {"type": "file", "path": p, "size": len(data), "oid": hashlib.sha1(data).hexdigest()}
                    for p, data in sorted(repo.files[commit].items())
                    if not folder or p.startswith(folder + "/")
                ]
                if folder and not doc:
                    self._error(h, 404, "EntryNotFound", f"{folder} does not exist on {rev}", body)
                    return
            self._send(h, 200, json.dumps(doc).encode(), {"Content-Type": "application/json"}, body)
            return
        if len(parts) >= 5 and parts[2] == "resolve":
            repo_id, rev, name = "/".join(parts[:2]), parts[3], "/".join(parts[4:])
            repo, commit = self._resolve(h, repo_id, rev, auth, body)
            if repo is None:
                return
            data = repo.files[commit].get(name)
            if data is None:
                self._error(h, 404, "EntryNotFound", f"{name} not found", body)
                return
            headers = {
                "X-Repo-Commit": commit,
                "ETag": f'"{hashlib.sha256(data).hexdigest()}"',
                "Content-Type": "application/octet-stream",
            }
            self._send(h, 200, data, headers, body)
            return
        self._error(h, 404, None, f"no route {path}", body)

    def _resolve(
        self, h: BaseHTTPRequestHandler, repo_id: str, rev: str, auth: str | None, body: bool
    ) -> tuple[Repo | None, str]:
        repo = self.repos.get(repo_id)
        if repo is None or (repo.token is not None and auth != f"Bearer {repo.token}"):
            # The Hub answers 401 for both an unknown and a private repository without a valid token.
            self._error(h, 401, "RepoNotFound", "Repository not found", body)
            return None, ""
        commit = repo.revisions.get(rev, rev if rev in repo.files else "")
        if not commit:
            self._error(h, 404, "RevisionNotFound", f"Invalid rev id: {rev}", body)
            return None, ""
        return repo, commit

    def _error(
        self, h: BaseHTTPRequestHandler, status: int, code: str | None, message: str, body: bool
    ) -> None:
        headers = {"Content-Type": "application/json", "X-Error-Message": message}
        if code:
            headers["X-Error-Code"] = code
        self._send(h, status, json.dumps({"error": message}).encode(), headers, body)

    @staticmethod
    def _send(
        h: BaseHTTPRequestHandler, status: int, data: bytes, headers: dict[str, str], body: bool
    ) -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        if body:
            h.wfile.write(data)
