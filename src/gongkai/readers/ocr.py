"""Offline OCR with rapidocr: the PP-OCR recognition model shipped inside the wheel.

Only the recognition model is used: the page layout (table cells, text lines) is found
by ``raster_grid`` and ``scan``, so each crop is one line of text. Nothing is downloaded:
the model paths point into the installed package and loading fails loudly otherwise.

The model runs on OpenVINO when it is installed (a declared dependency), else on onnxruntime.
OpenVINO computes in bfloat16 where the processor does so natively (AMX): measured on the
scans of ``bench/pdf_speed.py`` (2,090 crops, one thread), the recogniser takes 9.6 s against
onnxruntime's 18.8 s, and the texts differ only in 8 spaces between words (no digit); on a
processor without bfloat16 it computes in float32 as onnxruntime does (19.7 s, the same
texts). A crop read in bfloat16 with less confidence than ``SECOND_READ_BELOW`` is read again
in float32 by onnxruntime, and that reading stands: every crop whose reading could make a cell
uncertain is read at full precision. ``GONGKAI_OCR_ENGINE=onnxruntime`` chooses onnxruntime
for every crop.

``import openvino`` sends a usage event to Intel (its model converter's telemetry, by default
and from a forked process) and writes a client id under the home directory. gongkai runs
offline: the telemetry package is masked before openvino is imported, so the converter takes
its built-in stub; ``tests/test_ocr_engine.py`` runs a recognition and checks that no name is
looked up, no address reached, no process forked and no client id written.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

REC_MODEL = "PP-OCRv6_rec_small.onnx"
REC_BATCH = 8
"""Crops per inference call (crops are sorted by width, so a batch pads little)."""
TIME_CHECK_CROPS = 64
"""Crops recognised between two checks of the time limit (a few seconds of work at most);
a multiple of ``REC_BATCH``, so the batches are the same as in one call."""
REC_HEIGHT = 48
REC_MIN_WIDTH = 48
"""rapidocr pads every crop to at least this width; its default (320) makes a one-digit
cell cost as much as a line of text."""
WIDE_ASPECT = 4.0
"""A crop wider than this many times its height is a line of words (a number cell is
narrower) and is read squeezed: the recogniser's time grows with the width it is given."""
WIDE_SQUEEZE = 0.6
"""Width kept of a wide crop: a square character is still ~25 px wide at the model's 48 px
height. Measured on the scans of bench/pdf_speed.py (447 wide crops): 0.6 gives the same
text apart from one comma and the same digits, in 58 % of the time; 0.4 misreads words."""
SECOND_READ_BELOW = 0.9
"""A crop the reduced-precision engine reads with less confidence than this is read again at
full precision (above ``LOW_CONFIDENCE``, 0.85, where a cell's reading is doubted, with a
margin for the penalties of ``scan.clean_cell_text``). On the scans of ``bench/pdf_speed.py``
2.9 % of crops are read again; a noisy scan's one-digit cells more often."""
ENGINES = ("openvino", "onnxruntime")
FULL_PRECISION = "onnxruntime"
_lock = threading.Lock()
_run_lock = threading.Lock()
"""One recognition at a time per process: an OpenVINO infer request is not shared by threads."""
_engines: dict[str, object] = {}
_reduced: bool | None = None


class OCRUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Recognized:
    text: str
    confidence: float


def _model_dir() -> Path:
    import rapidocr  # type: ignore[import-untyped]

    return Path(rapidocr.__file__).resolve().parent / "models"


def _threads() -> int:
    return int(os.environ.get("GONGKAI_OCR_THREADS", "1"))


def engine_name() -> str:
    """The inference engine the recogniser runs on: ``GONGKAI_OCR_ENGINE`` if set, else
    OpenVINO when it is installed, else onnxruntime."""
    chosen = os.environ.get("GONGKAI_OCR_ENGINE", "").strip().lower()
    if chosen:
        if chosen not in ENGINES:
            raise OCRUnavailable(f"GONGKAI_OCR_ENGINE={chosen} 无效，可选：{'、'.join(ENGINES)}")
        return chosen
    return "openvino" if importlib.util.find_spec("openvino") is not None else "onnxruntime"


def _mask_telemetry() -> None:
    """Make ``import openvino_telemetry`` fail in this process (see the module's docstring)."""
    if "openvino" not in sys.modules:
        sys.modules.setdefault("openvino_telemetry", None)  # type: ignore[arg-type]


def _engine_params(name: str, threads: int) -> dict[str, object]:
    if name == "openvino":
        from rapidocr import EngineType

        return {
            "Rec.engine_type": EngineType.OPENVINO,
            "EngineConfig.openvino.inference_num_threads": threads,
        }
    return {
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        # rapidocr turns the arena off; with it on, batches reuse buffers (10–15% faster)
        "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
    }


def _load(name: str | None = None) -> object:
    """The rapidocr engine running the recogniser on ``name`` (by default ``engine_name()``),
    loaded once per process."""
    name = name or engine_name()
    with _lock:
        if name in _engines:
            return _engines[name]
        if name == "openvino":
            _mask_telemetry()  # before rapidocr, which may import openvino
        try:
            from rapidocr import RapidOCR
        except ImportError as e:  # pragma: no cover - declared dependency
            raise OCRUnavailable(f"rapidocr 未安装：{e}") from None
        for logger in ("RapidOCR", "rapidocr"):
            logging.getLogger(logger).setLevel(logging.ERROR)
        model = _model_dir() / REC_MODEL
        if not model.is_file():
            raise OCRUnavailable(f"OCR 识别模型缺失：{model}（需要随 rapidocr 安装包提供，运行时不下载）")
        params: dict[str, object] = {
            "Global.log_level": "error",
            "Global.use_det": False,
            "Global.use_cls": False,
            "Rec.model_path": str(model),
            "Rec.rec_batch_num": REC_BATCH,
            "Rec.rec_img_shape": [3, REC_HEIGHT, REC_MIN_WIDTH],
            **_engine_params(name, _threads()),
        }
        engine = RapidOCR(params=params)
        _engines[name] = engine
        for logger in ("RapidOCR", "rapidocr"):
            logging.getLogger(logger).setLevel(logging.ERROR)
        return engine


def reduced_precision() -> bool:
    """Does the chosen engine compute in less than float32 (OpenVINO's bfloat16 on AMX)?"""
    global _reduced
    if _reduced is None:
        if engine_name() != "openvino":
            _reduced = False
        else:
            _mask_telemetry()
            import openvino

            _reduced = openvino.Core().get_property("CPU", "INFERENCE_PRECISION_HINT") != openvino.Type.f32
    return _reduced


def _prepared(crop: np.ndarray) -> np.ndarray:
    """A crop as the recogniser takes it: three channels, a wide one squeezed."""
    h, w = crop.shape[:2]
    if w > WIDE_ASPECT * h:
        crop = cv2.resize(crop, (round(w * WIDE_SQUEEZE), h), interpolation=cv2.INTER_AREA)
    return crop if crop.ndim == 3 else np.repeat(crop[:, :, None], 3, axis=2)


def recognize(crops: list[np.ndarray]) -> list[Recognized]:
    """Text and confidence of each single-line crop (grey or BGR), in order."""
    if not crops:
        return []
    ready = [_prepared(c) for c in crops]
    found = _read(_load(), ready)
    if reduced_precision():
        again = [i for i, r in enumerate(found) if r.confidence < SECOND_READ_BELOW]
        if again:
            for i, r in zip(again, _read(_load(FULL_PRECISION), [ready[i] for i in again]), strict=True):
                found[i] = r
    return found


def _read(engine: object, ready: list[np.ndarray]) -> list[Recognized]:
    """``recognize`` on one engine, of crops already ``_prepared``."""
    from rapidocr.ch_ppocr_rec import TextRecInput  # type: ignore[import-untyped]

    from gongkai.readers import limits

    rec = engine._load_rec_model()  # type: ignore[attr-defined]
    # in the recogniser's own order (by width, as it sorts each call), so that the parts are
    # the batches one call would make
    order = np.argsort(np.array([c.shape[1] / float(c.shape[0]) for c in ready]))
    found: list[Recognized | None] = [None] * len(ready)
    for i in range(0, len(ready), TIME_CHECK_CROPS):
        limits.check_time("")  # a page of many crops takes seconds: the time limit is checked between parts
        part = [int(k) for k in order[i : i + TIME_CHECK_CROPS]]
        imgs = [ready[k] for k in part]
        with _run_lock:
            out = rec(TextRecInput(img=imgs))
        for k, t, s in zip(part, out.txts or (), out.scores or (), strict=True):
            found[k] = Recognized(unicodedata.normalize("NFKC", t), float(s))
    return [r if r is not None else Recognized("", 0.0) for r in found]
