"""Smoke-test steps on the package files (mixed into ``smoke_test.SmokeTest``).

- ``checksums``: every ``.sha256`` in dist/ verifies its package with ``sha256sum -c``;
- ``deb``: the .deb installs into a temporary root with ``dpkg --root`` (its own package database), the
  installed ``/usr/bin/nerdesk`` runs (``--version``, ``models``), and ``dpkg --remove`` leaves nothing;
- ``lintian``: when lintian is installed, the .deb has no lintian error (overrides in deb.LINTIAN_OVERRIDES).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import app_info
import deb


class PackageChecks:
    scratch: Path
    dist: Path
    results: dict

    def run(self, command: list[str], **kwargs) -> tuple[float, str]:
        raise NotImplementedError  # provided by SmokeTest

    def checksums(self) -> None:
        files = sorted(self.dist.glob("*.sha256"))
        if not files:
            raise RuntimeError(f"no .sha256 files in {self.dist}")
        for checksum in files:
            result = subprocess.run(["sha256sum", "-c", checksum.name], cwd=self.dist, capture_output=True, text=True)
            if result.returncode != 0:
                raise RuntimeError(f"{checksum.name}: {result.stdout}{result.stderr}")
        self.results["checksums"] = [checksum.name for checksum in files]

    def deb(self) -> None:
        package = self.dist / deb.deb_name()
        root = self.scratch / "deb-root"
        started = time.perf_counter()
        result = deb.dpkg_in_root(root, "--install", str(package))
        if result.returncode != 0:
            raise RuntimeError(f"dpkg --install failed:\n{result.stderr[-2000:]}")
        install_seconds = time.perf_counter() - started
        program = root / "usr" / "bin" / app_info.NAME
        _, version = self.run([str(program), "--version"])
        _, models = self.run([str(program), "models"])
        if version.strip() != f"nerdesk {app_info.VERSION}" or not all(
                path.name in models for path in app_info.shipped_models()):
            raise RuntimeError(f"the installed /usr/bin/nerdesk printed {version!r} and {models!r}")
        result = deb.dpkg_in_root(root, "--remove", app_info.NAME)
        left = [str(path.relative_to(root)) for path in root.rglob("*")
                if path.is_file() and not path.is_relative_to(root / "var")]
        if result.returncode != 0 or left:
            raise RuntimeError(f"dpkg --remove left {left[:10]}: {result.stderr[-1000:]}")
        self.results["deb"] = {"package_mb": round(package.stat().st_size / 1e6, 1),
                               "install_seconds": round(install_seconds, 1), "removed": True}

    def lintian(self) -> None:
        if shutil.which("lintian") is None:
            self.results["lintian"] = "not installed (apt-get install lintian)"
            return
        started = time.perf_counter()
        result = subprocess.run(["lintian", "--fail-on", "error", "--tag-display-limit", "0",
                                 str(self.dist / deb.deb_name())], capture_output=True, text=True, timeout=3600)
        tags = [line for line in result.stdout.splitlines() if line[:2] in ("E:", "W:")]
        self.results["lintian"] = {"seconds": round(time.perf_counter() - started, 1), "exit": result.returncode,
                                   "errors": [t for t in tags if t.startswith("E:")][:20],
                                   "warnings": [t for t in tags if t.startswith("W:")][:20]}
        if result.returncode != 0:
            raise RuntimeError(f"lintian errors: {self.results['lintian']['errors'] or result.stderr[-1000:]}")
