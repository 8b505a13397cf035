from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = None

@test_case(points=1, hidden=False)


def test_q3_two_blocks(dct_compress):
    import numpy as np

    from coursepkg import features as F
    from coursepkg.grading import LearnerCodeError, call, expect_close

    if str(getattr(dct_compress, "__module__", "")).startswith("coursepkg"):
        raise LearnerCodeError("dct_compress should be your own function.")
    rng = np.random.default_rng(3)
    image = np.add.outer(np.sin(np.arange(8) / 3), np.cos(np.arange(16) / 5)) / 3 + 0.5
    image += 0.05 * rng.random(image.shape)
    coeffs = F.block_dct(image)

    def keep(rows, cols):
        mask = np.zeros((8, 8))
        mask[rows, cols] = 1.0
        return np.tile(mask, (1, 2))

    k = 2
    got = call(dct_compress, image.copy(), k)
    if got is None:
        raise LearnerCodeError("dct_compress returned None: did you forget `return`?")
    low = keep(slice(0, k), slice(0, k))
    after = " (dct_compress builds on dct2 and idct2: if questions 1 or 2 fail, fix them first.)"
    try:
        expect_close(
            got,
            F.dct_compress(image, k),
            "dct_compress(image, 2) for an 8x16 image (two 8x8 blocks)",
            diagnoses=[
                (
                    F.block_idct(coeffs * keep(slice(8 - k, 8), slice(8 - k, 8))),
                    "you kept the highest frequencies, the bottom-right corner of each "
                    "block. The low frequencies, the smooth content that carries most of the "
                    "energy, are at the top-left: keep coefficients [:k, :k].",
                ),
                (
                    F.block_idct(coeffs * (1 - low)),
                    "you zeroed the k x k lowest frequencies and kept the others; keep "
                    "[:k, :k] and zero the rest.",
                ),
                (
                    F.block_idct(coeffs * keep(slice(0, k), slice(None))),
                    "you kept k whole rows of coefficients (k x 8); keep a k x k square, [:k, :k].",
                ),
                (
                    F.block_idct(coeffs * keep(slice(None), slice(0, k))),
                    "you kept k whole columns of coefficients (8 x k); keep a k x k square, "
                    "[:k, :k].",
                ),
                (
                    F.block_idct(coeffs * keep(slice(0, k + 1), slice(0, k + 1))),
                    "you kept (k + 1) x (k + 1) coefficients; [:k, :k] is k x k.",
                ),
                (
                    F.dct_compress(image, k, block=None),
                    "you transformed the whole image at once; work block by block, each "
                    "8x8 block with its own DCT.",
                ),
                (
                    coeffs * low,
                    "you returned the kept coefficients; transform them back with idct2 to "
                    "get the image.",
                ),
            ],
        )
    except LearnerCodeError as err:
        if "first mismatch" not in str(err):
            raise
        raise LearnerCodeError(f"{err}{after}") from None
