"""Build the Linux package and check that the frozen app works, as a user would get it.

    python installer/smoke_test.py               # build (several minutes), then check
    python installer/smoke_test.py --skip-build  # check the package already in dist/

Not part of the pytest run (the build takes minutes). Steps, each timed:

1. ``installer/build.py`` makes ``dist/nerdesk/`` and the tarball (skipped with ``--skip-build``);
2. the tarball is unpacked and ``install.sh`` installs it into a temporary home; everything below runs
   the installed executable;
3. ``nerdesk --version``: the cold start of the frozen command line;
4. ``nerdesk train`` on 300 CLUENER training sentences (one epoch, from the embedded general model when
   it is shipped, else from scratch) writes a checkpoint and an ONNX bundle, as the window's
   "retrain" does when it runs the executable with ``train``;
5. ``nerdesk predict`` on 200 dev sentences (CLUENER for the Chinese models and the model of step 4,
   CoNLL-2003 for the English ``en-*`` ones) with every shipped model, named as users type it, and the model
   of step 4 gives exactly the spans (offsets, labels, scores) that the installed Python package gives;
6. the window starts offscreen on the demo project as the package builds it and saves a screenshot
   (``dist/smoke-screenshot.png``; see ``NERDESK_SMOKE_SCREENSHOT`` in launcher.py);
7. on real display servers (smoke_desktop.py, smoke_display.py): the installed app started with no
   arguments under Xvfb (``QT_QPA_PLATFORM=xcb``) opens the demo project, timed to its first paint and
   screenshot through the X server (``dist/smoke-x11.png``), then under a headless weston
   (``QT_QPA_PLATFORM=wayland``, ``dist/smoke-wayland.png``); without a display it says so in one line;
8. the packages (smoke_packages.py): ``.sha256`` files verify, the .deb installs into a temporary root
   with dpkg, runs and uninstalls without leftovers, and passes lintian when it is installed;
9. the temporary home holds nothing but nerdesk's own folders (no ONNX Runtime device id, no caches).

The figures go to ``dist/smoke-report.json`` and are printed; the exit status is 0 only when every
check passed. Corpora are read from ../shared/datasets (relative to the repository root).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import app_info  # noqa: E402
import smoke_display  # noqa: E402
from smoke_desktop import DesktopChecks  # noqa: E402
from smoke_packages import PackageChecks  # noqa: E402

DATASETS = app_info.ROOT / ".." / "shared" / "datasets"
TRAIN_SENTENCES = 300
PREDICT_SENTENCES = 200
GENERAL_MODEL = "zh-general-cluener"
ENGLISH_PREFIX = "en-"  # embedded English models (en-general-conll, ...) predict English sentences


# Variables of the session running the smoke test that must not reach the app: it finds its own models,
# and places under the temporary home, not the caller's.
CLEARED_VARIABLES = ("NERDESK_MODELS_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
                     "DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR")


class SmokeTest(DesktopChecks, PackageChecks):
    def __init__(self, dist: Path, scratch: Path) -> None:
        self.dist = dist
        self.scratch = scratch
        self.home = scratch / "home"
        self.package_home = scratch / "package-home"  # the source package's runs do not count as the app's writes
        self.results: dict[str, object] = {}
        self.failures: list[str] = []
        self.program: Path | None = None

    # --- running things ---

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        environment = {name: value for name, value in os.environ.items() if name not in CLEARED_VARIABLES}
        return {**environment, "HOME": str(self.home), **(extra or {})}

    def run(self, command: list[str], *, env: dict | None = None, timeout: float = 900) -> tuple[float, str]:
        """Run ``command``; returns (seconds, stdout). A failure is recorded and raised."""
        environment = self.environment(env)
        started = time.perf_counter()
        result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=timeout,
                                cwd=self.scratch)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, command))} exited with {result.returncode}:\n"
                               f"{result.stderr[-3000:]}")
        return seconds, result.stdout + result.stderr

    def frozen(self, *args: str, **kwargs) -> tuple[float, str]:
        return self.run([str(self.program), *args], **kwargs)

    def package(self, *args: str, **kwargs) -> tuple[float, str]:
        return self.run([sys.executable, "-m", "nerdesk", *args], env={"HOME": str(self.package_home)}, **kwargs)

    def check(self, name: str, step) -> None:
        print(f"-- {name}", flush=True)
        try:
            step()
            print(f"   ok: {json.dumps(self.results.get(name, ''), ensure_ascii=False)}", flush=True)
        except smoke_display.DisplayUnavailable as error:
            if name != "wayland":  # the X11 check is required; Wayland is checked by hand without weston
                raise
            self.results[name] = f"skipped: weston {error}"
            print(f"   skipped: {error}", flush=True)
        except Exception as error:  # noqa: BLE001 (every failure is reported, then the next step runs)
            self.failures.append(f"{name}: {error}")
            print(f"   FAILED: {error}", flush=True)

    # --- steps ---

    def build(self) -> None:
        seconds, _ = self.run([sys.executable, str(app_info.INSTALLER_DIR / "build.py"), "--dist", str(self.dist)],
                              timeout=3600)
        self.results["build"] = {"seconds": round(seconds, 1)}

    def install(self) -> None:
        stem = app_info.linux_archive_stem()
        archive = self.dist / f"{stem}.tar.gz"
        started = time.perf_counter()
        with tarfile.open(archive) as tar:
            tar.extractall(self.scratch / "unpacked", filter="tar")
        unpack_seconds = time.perf_counter() - started
        seconds, output = self.run([str(self.scratch / "unpacked" / stem / "install.sh")])
        self.program = self.home / ".local" / "share" / "nerdesk" / "app" / app_info.NAME
        entry = self.home / ".local" / "share" / "applications" / "nerdesk.desktop"
        if not (self.program.is_file() and entry.is_file()):
            raise RuntimeError(f"install.sh did not install the program and menu entry:\n{output}")
        self.results["install"] = {"archive_mb": round(archive.stat().st_size / 1e6, 1),
                                   "unpack_seconds": round(unpack_seconds, 1), "install_seconds": round(seconds, 1)}

    def version(self) -> None:
        cold, output = self.frozen("--version")
        warm, _ = self.frozen("--version")
        if output.strip() != f"nerdesk {app_info.VERSION}":
            raise RuntimeError(f"--version printed {output!r}")
        self.results["version"] = {"cold_seconds": round(cold, 2), "warm_seconds": round(warm, 2)}

    def train(self) -> None:
        train_file = self.corpus_sample("train.json", TRAIN_SENTENCES)
        dev_file = self.corpus_sample("dev.json", 100)
        shipped = self.program.parent / "models" / GENERAL_MODEL
        init = str(shipped) if (shipped / "bundle.json").is_file() else "scratch"
        seconds, output = self.frozen(
            "train", "--train", str(train_file), "--dev", str(dev_file), "--format", "cluener",
            "--out", str(self.trained_model), "--init", init, "--epochs", "1", "--max-length", "96",
            "--threads", "1", "--progress", "json")
        events = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        if not events or events[-1].get("event") != "done" or not (self.trained_model / "bundle.json").is_file():
            raise RuntimeError(f"training did not finish with a bundle; last output:\n{output[-2000:]}")
        self.results["train"] = {"seconds": round(seconds, 1), "init": Path(init).name,
                                 "dev_f1": round(events[-1].get("metrics", {}).get("micro", {}).get("f1", 0), 4)}

    def predict_parity(self) -> None:
        chinese, english = self.scratch / "predict-zh.txt", self.scratch / "predict-en.txt"
        chinese.write_text("\n".join(record["text"] for record in self.corpus_records("dev.json", PREDICT_SENTENCES))
                           + "\n", encoding="utf-8")
        english.write_text("\n".join(conll_sentences(DATASETS / "conll2003" / "dev.conll", PREDICT_SENTENCES))
                           + "\n", encoding="utf-8")
        # Shipped models by name (as users type them), the trained one by its folder.
        models = [path.name for path in (self.program.parent / "models").iterdir() if (path / "bundle.json").is_file()]
        models.append(str(self.trained_model))
        summary = {}
        for model in map(Path, models):
            texts = english if model.name.startswith(ENGLISH_PREFIX) else chinese
            frozen_out, package_out = self.scratch / f"frozen-{model.name}.jsonl", self.scratch / f"pkg-{model.name}.jsonl"
            frozen_seconds, _ = self.frozen("predict", str(texts), "--model", str(model), "--out", str(frozen_out),
                                            "--quiet")
            self.package("predict", str(texts), "--model", str(model), "--out", str(package_out), "--quiet")
            frozen_spans, package_spans = predicted_spans(frozen_out), predicted_spans(package_out)
            if frozen_spans != package_spans:
                raise RuntimeError(f"{model.name}: the frozen app predicts other spans than the package")
            summary[model.name] = {"texts": texts.name, "documents": len(frozen_spans),
                                   "spans": sum(map(len, frozen_spans)),
                                   "frozen_seconds": round(frozen_seconds, 2)}
        self.results["predict"] = summary

    def models(self) -> None:
        _, listed = self.frozen("models")
        names = [line.split()[0] for line in listed.splitlines() if line and not line.startswith("in ")]
        if names != [path.name for path in app_info.shipped_models()]:
            raise RuntimeError(f"nerdesk models listed {names}:\n{listed}")
        self.results["models"] = names

    def gui(self) -> None:
        # The demo project as the package builds it: each text predicted by the embedded model for its script.
        build_demo = ("import sys; from nerdesk.workflows.demo import ensure_demo_project; "
                      "print(ensure_demo_project(sys.argv[1]))")
        _, output = self.run([sys.executable, "-c", build_demo, str(self.scratch / "demo")],
                             env={"HOME": str(self.package_home)})
        project = Path(output.strip().splitlines()[-1])
        shot = self.scratch / "screenshot.png"
        seconds, output = self.frozen("gui", str(project), env={"QT_QPA_PLATFORM": "offscreen",
                                                                "NERDESK_SMOKE_SCREENSHOT": str(shot)})
        if not shot.is_file():
            raise RuntimeError(f"no screenshot was saved:\n{output[-2000:]}")
        shutil.copy(shot, self.dist / "smoke-screenshot.png")
        self.results["gui"] = {"seconds_to_screenshot": round(seconds, 1), "window_icon": "window icon set" in output,
                               "screenshot": str(self.dist / "smoke-screenshot.png")}

    # --- data ---

    @property
    def trained_model(self) -> Path:
        return self.scratch / "trained-model"

    def corpus_records(self, name: str, count: int) -> list[dict]:
        path = DATASETS / "cluener" / name
        if not path.is_file():
            raise RuntimeError(f"{path.resolve()} is missing; the smoke test reads the public CLUENER corpus")
        with path.open(encoding="utf-8") as stream:
            return [json.loads(line) for line in itertools.islice(stream, count)]

    def corpus_sample(self, name: str, count: int) -> Path:
        sample = self.scratch / f"cluener-{name}"
        sample.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.corpus_records(name, count)),
                          encoding="utf-8")
        return sample


def conll_sentences(path: Path, count: int) -> list[str]:
    """The first ``count`` sentences of a CoNLL-2003 file, tokens joined by spaces (document markers skipped)."""
    if not path.is_file():
        raise RuntimeError(f"{path.resolve()} is missing; the smoke test reads the public CoNLL-2003 corpus")
    sentences, tokens = [], []
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.strip() and not line.startswith("-DOCSTART-"):
                tokens.append(line.split()[0])
            elif tokens:
                sentences.append(" ".join(tokens))
                tokens = []
            if len(sentences) == count:
                break
    return sentences


def predicted_spans(path: Path) -> list[list[tuple]]:
    """Per document, the predicted spans as (start, end, label, score rounded to 6 places)."""
    documents = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [sorted((s["start"], s["end"], s["label"], round(s["score"], 6)) for s in doc["spans"]
                   if s.get("source") == "pred") for doc in documents]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=app_info.DIST_DIR)
    parser.add_argument("--skip-build", action="store_true", help="check the package already in --dist")
    parser.add_argument("--keep", action="store_true", help="keep the temporary home and outputs")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        raise SystemExit("the smoke test checks the Linux package; run it on Linux")
    scratch = Path(tempfile.mkdtemp(prefix="nerdesk-smoke-"))
    (scratch / "home").mkdir()
    (scratch / "package-home").mkdir()
    smoke = SmokeTest(args.dist.resolve(), scratch)
    if not args.skip_build:
        smoke.check("build", smoke.build)
    smoke.check("install", smoke.install)
    if smoke.program is not None:
        # x11 first: it is the app's first start (no recent project yet), which builds the demo project.
        for name, step in (("version", smoke.version), ("models", smoke.models), ("x11", smoke.x11),
                           ("demo_folder", smoke.demo_folder), ("wayland", smoke.wayland), ("no_display", smoke.no_display), ("train", smoke.train),
                           ("predict", smoke.predict_parity), ("gui", smoke.gui), ("own_folders", smoke.own_folders)):
            smoke.check(name, step)
    for name, step in (("checksums", smoke.checksums), ("deb", smoke.deb), ("lintian", smoke.lintian)):
        smoke.check(name, step)
    build_report = args.dist / "build-report.json"
    report = {"results": smoke.results, "failures": smoke.failures,
              "build_report": json.loads(build_report.read_text()) if build_report.is_file() else None}
    (args.dist / "smoke-report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.keep:
        print(f"kept {scratch}")
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if smoke.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
