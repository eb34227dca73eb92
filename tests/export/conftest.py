"""The static site of the small test dataset, served for real: nginx (Debian package) and
Apache httpd (Debian apache2) started on loopback with the generated configuration, and
the server's own app (test client, same public URL) to compare them with.

The site lives in a world-readable temporary folder: nginx (single process) and Apache
(children run as www-data when started as root) must both read it.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ctc_kg.config import Settings, load_settings, replace
from ctc_kg.content.build import build
from ctc_kg.content.load import content_files, load_content
from ctc_kg.export.static_site import SiteResult
from ctc_kg.runtime.app import prepared_app
from ctc_kg.runtime.static_site import write_site
from flask.testing import FlaskClient

from tests.live import free_port

TESTS = Path(__file__).resolve().parents[1]
MINIMAL = TESTS / "data" / "minimal"
APACHE_MODULES = Path("/usr/lib/apache2/modules")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def fetch(port: int, target: str, headers: dict[str, str] | None = None) -> Answer:
    """One GET with exactly the headers given (http.client adds only Host and
    Accept-Encoding: identity)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", target, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        names = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, names, body)
    finally:
        connection.close()


def ask_app(client: FlaskClient, public: str, target: str, headers: dict[str, str]) -> Answer:
    response = client.get(target, base_url=public, headers=headers)
    try:
        names = {name.lower(): value for name, value in response.headers.items()}
        return Answer(response.status_code, names, response.data)
    finally:
        response.close()


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                pytest.fail(f"server on port {port} did not start:\n{log.read_text()}")
            time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass(frozen=True)
class SiteWorld:
    settings: Settings
    result: SiteResult
    port: int  # the port in the public URL, where nginx serves the site

    @property
    def public(self) -> str:
        return self.result.deployment.public_base

    @property
    def folder(self) -> Path:
        return self.result.out


def site_settings(public: str) -> Settings:
    return load_settings({"root": MINIMAL, "public_url": public}, environ={})


def build_site(settings: Settings, out: Path, sparql: str | None = None) -> SiteResult:
    """What `ctc-kg build --site` writes: the build (in a folder beside `out`), then the
    site captured over it."""
    content = load_content(content_files(settings), settings.base_iri)
    dist = out.with_name(out.name + "-dist")
    build(content, dist)
    return write_site(replace(settings, out=dist), content, out, sparql_endpoint=sparql)


@pytest.fixture(scope="session")
def readable_tmp() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="ctc-kg-export-"))
    os.chmod(folder, 0o755)  # read by web servers running as other users
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def site(readable_tmp: Path) -> SiteWorld:
    port = free_port()
    settings = site_settings(f"http://127.0.0.1:{port}/")
    result = build_site(settings, readable_tmp / "site", sparql="https://sparql.example.org/ctc-kg")
    return SiteWorld(settings, result, port)


@pytest.fixture(scope="session")
def server(site: SiteWorld) -> Iterator[FlaskClient]:
    """The server's app with the site's settings (same public URL)."""
    with prepared_app(site.settings) as app:
        yield app.test_client()


NGINX_CONF = """\
master_process off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {site}/.deploy/nginx-http.conf;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        include {site}/.deploy/nginx-server.conf;
    }}
}}
"""


@pytest.fixture(scope="session")
def nginx(site: SiteWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """nginx serving the site on the port of its public URL; yields the port."""
    work = tmp_path_factory.mktemp("nginx")
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, site=site.folder, port=site.port))
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    log = work / "error.log"
    with (work / "stdout.log").open("wb") as output:
        process = subprocess.Popen(
            [binary, "-p", str(work), "-c", str(conf), "-g", "daemon off;"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    log.touch()
    wait_for_port(site.port, process, work / "stdout.log")
    yield site.port
    stop(process)


APACHE_CONF = """\
ServerRoot {work}
ServerName 127.0.0.1
PidFile {work}/httpd.pid
ErrorLog {work}/error.log
LogLevel warn
{user}
LoadModule mpm_prefork_module {modules}/mod_mpm_prefork.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule mime_module {modules}/mod_mime.so
LoadModule negotiation_module {modules}/mod_negotiation.so
LoadModule rewrite_module {modules}/mod_rewrite.so
LoadModule headers_module {modules}/mod_headers.so
LoadModule dir_module {modules}/mod_dir.so
LoadModule env_module {modules}/mod_env.so
StartServers 1
MinSpareServers 1
MaxSpareServers 2
TypesConfig /etc/mime.types
Listen 127.0.0.1:{site_port}
Listen 127.0.0.1:{w3id_port}
<VirtualHost 127.0.0.1:{site_port}>
    DocumentRoot {site}
    <Directory {site}>
        AllowOverride All
        Options FollowSymLinks
        Require all granted
    </Directory>
</VirtualHost>
<VirtualHost 127.0.0.1:{w3id_port}>
    DocumentRoot {w3id}
    <Directory {w3id}>
        AllowOverride All
        Options FollowSymLinks
        Require all granted
    </Directory>
</VirtualHost>
"""


@dataclass(frozen=True)
class ApachePorts:
    site: int  # the site folder with its .htaccess and type maps
    w3id: int  # a w3id.org-like tree: /ctc-kg/.htaccess is the generated redirect


@pytest.fixture(scope="session")
def apache(site: SiteWorld, readable_tmp: Path) -> Iterator[ApachePorts]:
    work = readable_tmp / "apache"
    w3id = readable_tmp / "w3id"
    (w3id / "ctc-kg").mkdir(parents=True)
    shutil.copy(site.folder / ".deploy" / "w3id" / ".htaccess", w3id / "ctc-kg" / ".htaccess")
    work.mkdir()
    ports = ApachePorts(free_port(), free_port())
    # Started as root, Apache serves from children running as www-data.
    user = "User www-data\nGroup www-data" if os.geteuid() == 0 else ""
    conf = work / "httpd.conf"
    conf.write_text(
        APACHE_CONF.format(
            work=work,
            user=user,
            modules=APACHE_MODULES,
            site=site.folder,
            w3id=w3id,
            site_port=ports.site,
            w3id_port=ports.w3id,
        )
    )
    binary = shutil.which("apache2") or "/usr/sbin/apache2"
    log = work / "stdout.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [binary, "-f", str(conf), "-DFOREGROUND"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Apache signals its whole process group on shutdown
        )
    wait_for_port(ports.site, process, log)
    wait_for_port(ports.w3id, process, log)
    yield ports
    stop(process)
