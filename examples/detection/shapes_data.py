"""Synthetic object-detection data: coloured shapes on textured, noisy backgrounds.

Nothing is downloaded: every image is drawn from a seed, so the same seed always gives
the same images and boxes (numpy's PCG64 through ``np.random.default_rng``).

An image is IMAGE_SIZE x IMAGE_SIZE RGB (uint8, height x width x channel) holding 1 to
MAX_OBJECTS shapes of the CLASSES (filled circle, axis-aligned square, upward triangle),
each 10 to 28 pixels across, in a random saturated colour, at a random position inside
the image. Shapes overlap each other's boxes by at most MAX_OVERLAP_IOU, so every box
stays mostly visible. The background is a colour gradient plus a random sinusoidal
texture; Gaussian noise covers the whole image, shapes included.

A box is (x0, y0, x1, y1) in [0, 1], relative to the image size: the tight box of the
shape's pixels, x1 and y1 exclusive (a shape covering pixel columns 10..19 has x0 = 10/64,
x1 = 20/64).

``split("train")`` / ``split("test")`` make the two splits from one base seed (numpy's
SeedSequence spawns an independent stream per split), so they never share an image.
"""

import numpy as np

CLASSES = ("circle", "square", "triangle")
IMAGE_SIZE = 64
MAX_OBJECTS = 3
MIN_SIDE, MAX_SIDE = 10, 28  # shape extent in pixels, both inclusive
MAX_OVERLAP_IOU = 0.1
NOISE_STD = 10.0  # grey levels
SEED = 2026
SPLIT_SIZES = {"train": 3000, "test": 500}


def _colour(rng):
    """A saturated, bright RGB colour (HSV with S, V in [0.6, 1]) as floats in [0, 255]."""
    h, s, v = rng.random(), rng.uniform(0.6, 1.0), rng.uniform(0.6, 1.0)
    k = (np.array([5.0, 3.0, 1.0]) + h * 6.0) % 6.0
    return 255.0 * (v - v * s * np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0))


def _background(rng, size):
    """A dim colour gradient plus a sinusoidal texture of random direction and frequency."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float64) / size
    c0, c1 = rng.uniform(20, 140, 3), rng.uniform(20, 140, 3)
    t = rng.random()
    ramp = (x * np.cos(2 * np.pi * t) + y * np.sin(2 * np.pi * t))[..., None]
    img = c0 + (c1 - c0) * (ramp - ramp.min()) / max(np.ptp(ramp), 1e-9)
    freq, angle, phase = rng.uniform(2, 10), rng.uniform(0, np.pi), rng.uniform(0, 2 * np.pi)
    wave = np.sin(2 * np.pi * freq * (x * np.cos(angle) + y * np.sin(angle)) + phase)
    return img + rng.uniform(10, 35) * wave[..., None]


def _mask(cls, x0, y0, side, size):
    """Pixels of shape `cls` whose extent is the side x side square at (x0, y0)."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5  # pixel centres
    if CLASSES[cls] == "circle":
        r = side / 2.0
        return (x - x0 - r) ** 2 + (y - y0 - r) ** 2 <= r * r
    inside = (x >= x0) & (x < x0 + side) & (y >= y0) & (y < y0 + side)
    if CLASSES[cls] == "square":
        return inside
    # triangle: apex at the top centre, base along the bottom edge
    half_width = (y - y0) / side * (side / 2.0)
    return inside & (np.abs(x - x0 - side / 2.0) <= half_width)


def _iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def make_image(rng, size=IMAGE_SIZE):
    """One image: (uint8 [size, size, 3], float32 boxes [n, 4], int64 labels [n])."""
    img = _background(rng, size)
    boxes, labels = [], []
    for _ in range(int(rng.integers(1, MAX_OBJECTS + 1))):
        for _attempt in range(20):
            cls = int(rng.integers(len(CLASSES)))
            side = int(rng.integers(MIN_SIDE, MAX_SIDE + 1))
            x0, y0 = (int(v) for v in rng.integers(0, size - side + 1, 2))
            mask = _mask(cls, x0, y0, side, size)
            ys, xs = np.nonzero(mask)
            box = (xs.min() / size, ys.min() / size, (xs.max() + 1) / size, (ys.max() + 1) / size)
            if all(_iou(box, b) <= MAX_OVERLAP_IOU for b in boxes):
                img[mask] = _colour(rng)
                boxes.append(box)
                labels.append(cls)
                break
    img += rng.normal(0.0, NOISE_STD, img.shape)
    return (np.clip(np.rint(img), 0, 255).astype(np.uint8),
            np.array(boxes, np.float32).reshape(-1, 4), np.array(labels, np.int64))


def make_split(n, seed):
    """n images from `seed`: (uint8 [n, S, S, 3], float32 boxes [n, MAX_OBJECTS, 4],
    int64 labels [n, MAX_OBJECTS] with -1 where an image has fewer objects)."""
    rng = np.random.default_rng(seed)
    images = np.zeros((n, IMAGE_SIZE, IMAGE_SIZE, 3), np.uint8)
    boxes = np.zeros((n, MAX_OBJECTS, 4), np.float32)
    labels = np.full((n, MAX_OBJECTS), -1, np.int64)
    for i in range(n):
        images[i], b, l = make_image(rng)
        boxes[i, :len(b)], labels[i, :len(l)] = b, l
    return images, boxes, labels


def split(name, seed=SEED, n=None):
    """The "train" or "test" split (SPLIT_SIZES images unless n is given)."""
    train_seq, test_seq = np.random.SeedSequence(seed).spawn(2)
    seq = {"train": train_seq, "test": test_seq}[name]
    return make_split(SPLIT_SIZES[name] if n is None else n, seq)


def to_input(images):
    """uint8 [n, H, W, 3] -> float32 [n, 3, H, W] in [0, 1]: the network's input, the same
    arithmetic as detect.cpp (each byte divided by 255 in float32)."""
    return np.ascontiguousarray(images.transpose(0, 3, 1, 2)).astype(np.float32) / np.float32(255)


def ground_truth(boxes, labels, i):
    """Image i's boxes [k, 4] and labels [k] without the -1 padding."""
    keep = labels[i] >= 0
    return boxes[i][keep], labels[i][keep]


def write_ppm(path, image):
    """Writes a uint8 [H, W, 3] image as binary PPM (P6)."""
    h, w, _ = image.shape
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        f.write(np.ascontiguousarray(image, np.uint8).tobytes())
