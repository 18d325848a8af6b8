"""Connected components of a page mask with 16-bit labels (faster) are those of OpenCV's
32-bit default, and a page of more components than 16 bits count falls back to 32-bit."""

from __future__ import annotations

import cv2
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.readers.raster_grid import components, painted
from gongkai.readers.scan import speck_mask


def _plain(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return n, labels, stats


def _speck_mask_plain(ink: np.ndarray, px_per_pt: float) -> np.ndarray:
    """``scan.speck_mask`` as first written: 32-bit labels, every test a ``np.where``."""
    from gongkai.readers.scan import SPECK_AREA, SPECK_CLEARANCE_PT, SPECK_PT

    _, labels, stats = _plain(ink)
    side = SPECK_PT * px_per_pt
    small = (stats[:, cv2.CC_STAT_WIDTH] <= side) & (stats[:, cv2.CC_STAT_HEIGHT] <= side)
    small[0] = False
    marks = np.where(small[labels] | (labels == 0), 0, 255).astype(np.uint8)
    reach = max(1, round(SPECK_CLEARANCE_PT * px_per_pt))
    near = cv2.dilate(marks, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) > 0
    noise = small.copy()
    noise[np.unique(labels[near & small[labels]])] = False
    noise |= stats[:, cv2.CC_STAT_AREA] < SPECK_AREA
    noise[0] = False
    return np.where(noise[labels], 255, 0).astype(np.uint8)


def _mask(seed: int, density: float, shape: tuple[int, int] = (120, 160)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = np.where(rng.random(shape) < density, 255, 0).astype(np.uint8)
    # a few strokes and blobs, so that components of every size occur
    for _ in range(6):
        y, x = int(rng.integers(0, shape[0])), int(rng.integers(0, shape[1]))
        cv2.line(img, (x, y), (x + int(rng.integers(-60, 60)), y + int(rng.integers(-8, 8))), 255, 1)
    return img


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.0, 0.6))
def test_16_bit_labels_are_the_32_bit_ones(seed: int, density: float) -> None:
    mask = _mask(seed, density)
    n, labels, stats = components(mask)
    n0, labels0, stats0 = _plain(mask)
    assert n == n0
    assert np.array_equal(labels.astype(np.int64), labels0.astype(np.int64))
    assert np.array_equal(stats, stats0)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.0, 0.5), st.floats(2.0, 4.0))
def test_speck_mask_is_its_plain_form(seed: int, density: float, px_per_pt: float) -> None:
    ink = _mask(seed, density)
    assert np.array_equal(speck_mask(ink, px_per_pt), _speck_mask_plain(ink, px_per_pt))


def test_more_components_than_16_bits_count_fall_back_to_32_bits() -> None:
    mask = np.zeros((600, 600), np.uint8)
    mask[::2, ::2] = 255  # 90,000 single pixels, none touching another
    n, labels, stats = components(mask)
    assert n == 90_001
    assert labels.dtype == np.int32
    assert np.array_equal(stats, _plain(mask)[2])


def test_painted_marks_the_chosen_components_only() -> None:
    labels = np.array([[0, 1, 1], [2, 2, 0]], np.uint16)
    chosen = np.array([False, True, False])
    assert painted(chosen, labels).tolist() == [[0, 255, 255], [0, 0, 0]]
    assert painted(chosen, labels).dtype == np.uint8
