"""``nerdesk train --engine ray``: data-parallel training with Ray Train (``TorchTrainer``, DDP).

The driver (the ``nerdesk train`` process) prepares the run exactly as local training does (start
model, recipe, encoded windows), then ``TorchTrainer`` starts ``--workers`` processes. Each rank trains
on its own shard of the windows (round robin, so the shards are disjoint) with the local training loop
(``nerdesk.training.trainer``: the same schedule, dev evaluations and early stopping); DDP averages the
gradients after every step, over gloo on CPUs or NCCL on GPUs. Rank 0 is the clock (time budget and
learning-rate schedule) and the judge: it scores the dev documents through the prediction pipeline, as
local training does, keeps the best weights and decides early stopping for everyone.

Progress events and the final weights come back to the driver through a Ray queue (no shared storage
is needed on a cluster). The driver then calibrates, checks and writes the checkpoint and bundle with
the code of local training (``nerdesk.training.run``), so both engines write the same bundle.
"""

from __future__ import annotations

import math
import os
import queue as queue_module
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import ModuleType
from typing import TYPE_CHECKING, Any

import torch
import torch.distributed as dist
from tokenizers import Tokenizer

from nerdesk.core.document import Document
from nerdesk.core.errors import TrainingError
from nerdesk.core.metrics import Report
from nerdesk.training import run as local
from nerdesk.training.data import AlignmentSummary, Window
from nerdesk.training.model import GlobalPointerModel
from nerdesk.training.trainer import (
    TrainConfig,
    Trainer,
    TrainingCallbacks,
    TrainingResult,
    TrainingRun,
    seed_everything,
    total_steps,
)

INSTALL_HINT = "pip install 'nerdesk[ray]'"
DEFAULT_MAX_RETRIES = 2  # runs of the training after a worker fails (Ray Train's FailureConfig.max_failures)
STEP_EVENT_SECONDS = 0.2  # rank 0 sends a step event at most this often (and always the last step)
# What became of the gold spans of the training and the dev documents.
Summaries = tuple[AlignmentSummary, AlignmentSummary | None]

if TYPE_CHECKING:
    from ray.util.queue import Queue


def require_ray_train() -> ModuleType:
    """The ``ray`` module with Ray Train for torch, or a TrainingError saying how to install it."""
    try:
        import ray
        import ray.train.torch  # noqa: F401  (Ray Train comes with the "train" extra of ray)
    except ImportError as error:
        raise TrainingError(f"--engine ray needs Ray Train, which is not installed ({error.name} is missing); "
                            f"install the extra with: {INSTALL_HINT}", code="E407") from None
    return ray


@dataclass
class RayTrainOptions:
    workers: int = 2
    threads: int | None = None  # torch threads (and Ray CPUs) per worker; None: the cores shared out
    address: str | None = None  # join this cluster; None: start a local Ray for the command
    max_retries: int = DEFAULT_MAX_RETRIES  # restarts of the run after a worker failed (see run_config)


@dataclass
class _Job:
    """What every worker receives: the start model, the windows to shard, the schedule."""

    model: GlobalPointerModel
    tokenizer: Tokenizer
    config: TrainConfig  # batch size per rank
    windows: list[Window]
    dev_documents: list[Document]
    total_steps: int
    threads: int


def run_ray_training(request: local.TrainRequest, emit: local.Emit, options: RayTrainOptions) -> dict[str, Any]:
    """``run_training`` with the training steps on Ray Train; returns the fields of the ``done`` event."""
    ray = require_ray_train()
    if options.workers < 1 or (options.threads is not None and options.threads < 1):
        raise TrainingError("--workers and --threads must be at least 1", code="E544")
    if options.max_retries < 0:
        raise TrainingError("--max-retries must be 0 or more", code="E544")
    labels, kind, model, tokenizer, new_tokens = local.prepare_start(request)
    documents = local.training_documents(request, kind)
    copies = len(documents) - len(request.train_documents)
    config, kept_threshold = local.run_settings(request, kind, tokenizer, copies)
    emit("start", message=local.start_message(request, labels, kind, config, copies) + f" on {options.workers} Ray "
         "workers", labels=labels, start=kind, train_documents=len(request.train_documents), copies=copies,
         dev_documents=len(request.dev_documents), init=request.init, head=model.config.head,
         engine="ray", workers=options.workers, time_budget_seconds=config.time_budget_seconds)
    if new_tokens:
        emit("vocabulary", message=local.vocabulary_message(new_tokens), added=len(new_tokens))
    trainer = Trainer(model, tokenizer, config, local.progress_callbacks(emit))
    windows, summaries = _encode(trainer, documents, request.dev_documents)
    result, shards = _fit_on_ray(ray, trainer, windows, summaries, request, options, emit)
    if kept_threshold is not None:
        threshold = config.threshold
    else:
        threshold = local.calibrate_threshold_on_dev(result, tokenizer, request, config, emit)
    local.refuse_useless_run(result, request)
    done = local.write_bundle(result, tokenizer, request, kind, config, threshold)
    return {**done, "engine": "ray", "workers": options.workers, "shards": shards}


def _encode(trainer: Trainer, train_documents: list[Document],
            dev_documents: list[Document]) -> tuple[list[Window], Summaries]:
    """Training windows and the alignment summaries, checked and reported as ``Trainer.fit`` does."""
    windows, train_summary = trainer.encode(train_documents)
    if not any(window.cells for window in windows):
        raise TrainingError(f"no usable gold spans in {len(train_documents)} training documents "
                            f"({train_summary.describe()}); annotate and mark documents reviewed first",
                            code="E401")
    dev_summary = trainer.encode(dev_documents)[1] if dev_documents else None
    if trainer.callbacks.on_data:
        trainer.callbacks.on_data(train_summary, dev_summary)
    return windows, (train_summary, dev_summary)


def _fit_on_ray(ray: ModuleType, trainer: Trainer, windows: list[Window], summaries: Summaries,
                request: local.TrainRequest, options: RayTrainOptions,
                emit: local.Emit) -> tuple[TrainingResult, list[dict[str, Any]]]:
    """Train on Ray; the driver's TrainingResult and what each rank trained on (windows, documents)."""
    threads = options.threads or max(1, (os.cpu_count() or 1) // options.workers)
    connected_here = _start_ray(ray, options, threads)
    try:
        use_gpu = _use_gpu(ray, trainer.config.device)
        config = trainer.config
        steps = total_steps(config, math.ceil(len(windows) / config.batch_size))  # as one process would
        rank_config = replace(config, batch_size=max(1, math.ceil(config.batch_size / options.workers)),
                              device="cuda" if use_gpu else "cpu")
        job = _Job(trainer.model, trainer.tokenizer, rank_config, windows, list(request.dev_documents), steps,
                   threads)
        collected = _run_workers(ray, job, options, use_gpu, emit)
    finally:
        if connected_here:
            ray.shutdown()
    shards = [collected["shards"][rank] for rank in sorted(collected["shards"])]
    return _result(trainer, collected["result"], summaries), shards


def _start_ray(ray: ModuleType, options: RayTrainOptions, threads: int) -> bool:
    """Join ``options.address`` or start a local Ray with room for the workers; True if connected here."""
    if ray.is_initialized():
        return False
    if options.address:
        ray.init(address=options.address, log_to_driver=False)
    else:
        cpus = max(os.cpu_count() or 1, options.workers * threads + 1)
        ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    return True


def _use_gpu(ray: ModuleType, device: str) -> bool:
    """The ``--device`` choice for the cluster: auto takes GPUs when Ray has any; cuda requires them."""
    gpus = ray.cluster_resources().get("GPU", 0)
    if device == "cuda" and not gpus:
        raise TrainingError("--device cuda: the Ray cluster has no GPU; use --device cpu or auto",
                            code="E404")
    return device != "cpu" and gpus > 0


def run_config(storage: str, max_retries: int) -> Any:
    """Ray Train's RunConfig: when a worker fails (an exception, a crashed or lost process) the whole run
    starts again from the start model, at most ``max_retries`` times; then the command fails (E419). The
    workers save no checkpoint to resume from: the kept weights travel through the queue, and saving the
    optimiser, schedule and early-stopping state every few steps would cost more than it saves for the
    minutes-long runs this is for. Node preemptions are counted apart by Ray Train 2.60
    (``max_preemption_failures``, unlimited by default; not passed: the older FailureConfig lacks it)."""
    from ray.train import FailureConfig, RunConfig

    failures = FailureConfig(max_failures=max_retries)
    return RunConfig(name=f"nerdesk-train-{int(time.time())}", storage_path=storage, failure_config=failures)


def _run_workers(ray: ModuleType, job: _Job, options: RayTrainOptions, use_gpu: bool,
                 emit: local.Emit) -> dict[str, Any]:
    """Run ``TorchTrainer`` while passing the workers' events on to ``emit``; returns what they sent back."""
    from ray.train import ScalingConfig
    from ray.train.torch import TorchTrainer
    from ray.util.queue import Queue

    inbox = Queue()
    collected: dict[str, Any] = {"shards": {}}
    scaling = ScalingConfig(num_workers=options.workers, use_gpu=use_gpu,
                            resources_per_worker={"CPU": job.threads})
    with tempfile.TemporaryDirectory(prefix="nerdesk-ray-train-") as storage:
        torch_trainer = TorchTrainer(worker_loop, train_loop_config={"job": job, "inbox": inbox},
                                     scaling_config=scaling, run_config=run_config(storage, options.max_retries))
        finished = threading.Event()
        relay = threading.Thread(target=_relay, args=(inbox, emit, collected, finished), daemon=True)
        relay.start()
        try:
            torch_trainer.fit()
        except Exception as error:  # noqa: BLE001  (Ray wraps the worker's error; its message says what failed)
            raise TrainingError(f"Ray Train failed: {error}", code="E419") from None
        finally:
            finished.set()
            relay.join()
    if "result" not in collected:
        raise TrainingError("Ray Train finished without sending back the trained weights", code="E419")
    return collected


def _relay(inbox: Queue, emit: local.Emit, collected: dict[str, Any], finished: threading.Event) -> None:
    """Drain the workers' queue until training has finished and the queue is empty."""
    while True:
        try:
            kind, payload = inbox.get(timeout=0.2)
        except queue_module.Empty:
            if finished.is_set():
                return
            continue
        if kind == "event":
            emit(payload["event"], **payload["fields"])
        elif kind == "shard":
            collected["shards"][payload["rank"]] = payload
        else:
            collected[kind] = payload


def _result(trainer: Trainer, sent: dict[str, Any], summaries: Summaries) -> TrainingResult:
    """The driver's TrainingResult: its start model with rank 0's kept weights."""
    trainer.model.load_state_dict(sent["state"])
    trainer.model.eval()
    return TrainingResult(trainer.model, sent["best_report"], sent["best_evaluation"], sent["epochs"],
                          sent["steps"], sent["seconds"], sent["stop_reason"], *summaries, sent["history"],
                          sent["best_step"])


def worker_loop(loop_config: dict[str, Any]) -> None:
    """One Ray Train worker: train on this rank's shard; rank 0 sends progress and the kept weights."""
    import ray.train
    import ray.train.torch

    job: _Job = loop_config["job"]
    inbox: Queue = loop_config["inbox"]
    context = ray.train.get_context()
    rank, world = context.get_world_rank(), context.get_world_size()
    torch.set_num_threads(job.threads)
    if job.config.device == "cuda":
        torch.cuda.set_device(ray.train.torch.get_device())
    seed_everything(job.config.seed + rank)
    shard = rank_shard(job.windows, rank, world)
    inbox.put(("shard", {"rank": rank, "world": world, "windows": len(shard),
                         "documents": len({window.document for window in shard})}))
    callbacks = _rank0_callbacks(inbox) if rank == 0 else TrainingCallbacks()
    trainer = _RankTrainer(job.model, job.tokenizer, job.config, callbacks)
    run = _DistributedRun(trainer, shard, job.dev_documents if rank == 0 else [], job.total_steps, rank)
    run.loop()
    if rank == 0:
        state = {name: value.detach().to("cpu") for name, value in run.model.state_dict().items()}
        inbox.put(("result", {"state": state, "best_report": run.best_report,
                              "best_evaluation": run.best_evaluation, "epochs": run.epoch, "steps": run.step,
                              "seconds": time.monotonic() - run.started, "stop_reason": run.stop_reason,
                              "history": run.history, "best_step": run.best_step}))


def rank_shard(windows: list[Window], rank: int, world: int) -> list[Window]:
    """The windows rank ``rank`` of ``world`` trains on: every world-th one, so the shards are disjoint, cover
    all windows and differ in size by one at most (length-grouped batching then works within each shard)."""
    return windows[rank::world]


def _rank0_callbacks(inbox: Queue) -> TrainingCallbacks:
    """Rank 0's step and evaluation events, as local training reports them, sent to the driver."""
    last_sent = [0.0]

    def send(event: str, **fields: Any) -> None:
        inbox.put(("event", {"event": event, "fields": fields}))

    def on_step(step: int, total: int, loss: float) -> None:
        now = time.monotonic()
        if step == total or now - last_sent[0] >= STEP_EVENT_SECONDS:
            last_sent[0] = now
            send("step", step=step, total=total, loss=round(loss, 5))

    def on_eval(number: int, report: Report, kept_f1: float) -> None:
        send("eval", epoch=number, f1=report.micro.f1, precision=report.micro.precision,
             recall=report.micro.recall, kept_f1=kept_f1)

    return TrainingCallbacks(on_step=on_step, on_eval=on_eval)


class _RankTrainer(Trainer):
    """A Trainer whose dev scores never move the DDP-wrapped weights: off the CPU, a CPU copy is scored."""

    def evaluate(self, documents: Sequence[Document]) -> Report:
        if next(self.model.parameters()).device.type == "cpu":
            return super().evaluate(documents)
        import copy

        return Trainer(copy.deepcopy(self.model).to("cpu"), self.tokenizer, self.config).evaluate(documents)


class _DistributedRun(TrainingRun):
    """The local training loop on one rank: DDP forward and backward, rank 0's clock and stop decisions."""

    def __init__(self, trainer: Trainer, shard: list[Window], dev_documents: list[Document], steps: int,
                 rank: int) -> None:
        super().__init__(trainer, shard, dev_documents)
        self.rank = rank
        self.total_steps = steps  # the same on every rank: DDP needs every rank at every step
        self.eval_every = self.config.eval_every_steps or max(1, math.ceil(steps / self.config.evaluations))
        unused = self.model.config.encoder.get("kind") != "bilstm"  # e.g. a Hugging Face pooler
        device_ids = [torch.cuda.current_device()] if self.device == "cuda" else None
        self.ddp = torch.nn.parallel.DistributedDataParallel(self.model, device_ids=device_ids,
                                                             find_unused_parameters=unused)

    def _step_module(self) -> torch.nn.Module:
        return self.ddp

    def progress(self) -> float:
        """Rank 0's progress, so that every rank sets the same learning rate."""
        return self._from_rank0(super().progress())

    def _stop_requested(self) -> str | None:
        stop = self._from_rank0(1.0 if super()._stop_requested() else 0.0)
        return "time budget" if stop else None

    def _evaluation_due(self) -> bool:
        return bool(self._from_rank0(1.0 if super()._evaluation_due() else 0.0))

    def _end_of_stretch(self, complete: bool) -> None:
        super()._end_of_stretch(complete)
        if self._from_rank0(1.0 if self.stop_reason == "early stopping" else 0.0):
            self.stop_reason = "early stopping"

    def _from_rank0(self, value: float) -> float:
        tensor = torch.tensor([value], dtype=torch.float64, device=self.device)
        dist.broadcast(tensor, src=0)
        return float(tensor.item())
