"""Build a real, tiny Argos Translate package at test time, with no downloads.

``build_tiny_package(dest_dir, "en", "nb")`` writes ``dest_dir/en_nb.argosmodel``: a zip archive laid out
exactly like the packages in the Argos index, so the code under test installs and loads it with the real
argostranslate, CTranslate2, SentencePiece and MiniSBD code:

    translate-en_nb-1_0/
        metadata.json          # package_version, argos_version, from/to code and name, type "translate"
        sentencepiece.model    # trained here, in well under a second, on the few dozen lines below
        model/                 # a CTranslate2 Transformer written by ctranslate2.specs (model.bin, config.json, vocab)
        minisbd/tiny.onnx      # optional: a minimal MiniSBD sentence splitter (an ONNX graph written by hand)
        README.md

The Transformer has one encoder and one decoder layer and d_model 32. Its weights are not random but set
so that the output is known in advance: every weight is zero except the decoder's position encodings
(row t is the one-hot vector e_t) and the output projection (the row of the t-th token of
``expected_output(from, to)`` is e_t, the row of ``</s>`` is e_n). With zero embeddings and zero
attention/feed-forward weights, the decoder's hidden state at step t is LayerNorm(e_t), so it emits the
tokens of "tiny <from> to <to>" one by one and then stops, whatever the input. Every sentence that the
sentence splitter finds is translated to that phrase, so a two-sentence input comes back as the phrase
twice: that makes the sentence splitting visible to the tests. The text is nonsense as a translation;
what matters is that the real loading, tokenising, splitting and decoding code runs.

The MiniSBD model is an ONNX graph with a single Gather node: each character of the input (``units``) picks
a row of a [vocab, 5] table of logits; ``.``, ``!``, ``?``, ``؟`` and ``።`` pick "end of sentence", every
other character "inside a token". The ``features`` input is declared (MiniSBD always feeds it) but unused.
MiniSBD reads its config and character vocabulary from the model's metadata. The ``onnx`` package is not a
dependency of the project, so the protobuf is encoded here by hand (a few dozen lines).
"""

from __future__ import annotations

import io
import json
import struct
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import ctranslate2
import numpy as np
import sentencepiece as spm

D_MODEL = 32
FFN_DIM = 32
NUM_HEADS = 2
MAX_POSITIONS = 1024
PACKAGE_VERSION = "1.0"
ARGOS_VERSION = "1.9.0"

LANGUAGE_NAMES = {
    "en": "English",
    "nb": "Norwegian Bokmål",
    "no": "Norwegian",
    "uk": "Ukrainian",
    "ar": "Arabic",
    "ti": "Tigrinya",
    "so": "Somali",
    "fa": "Persian",
}

# A few dozen lines to train the SentencePiece model on (several scripts, so that most input is not <unk>).
CORPUS = [
    "Hello, how are you today?",
    "I need help finding a doctor.",
    "Where is the nearest health centre?",
    "My child is sick and has a fever.",
    "Can I get an interpreter at the appointment?",
    "What does the general practitioner do?",
    "Call 113 in an emergency.",
    "The office is open from nine to three.",
    "Thank you very much for your help.",
    "I do not understand the letter from the municipality.",
    "How long is the waiting list?",
    "Please speak slowly.",
    "Hei, hvordan har du det i dag?",
    "Jeg trenger hjelp til å finne en lege.",
    "Hvor er nærmeste helsestasjon?",
    "Barnet mitt er sykt og har feber.",
    "Kan jeg få tolk på timen?",
    "Hva gjør fastlegen?",
    "Ring 113 hvis det haster.",
    "Kontoret er åpent fra ni til tre.",
    "Tusen takk for hjelpen.",
    "Jeg forstår ikke brevet fra kommunen.",
    "Hvor lang er ventelisten?",
    "Vær så snill å snakke sakte.",
    "Привіт, як справи сьогодні?",
    "Мені потрібен лікар.",
    "مرحبا، كيف حالك اليوم؟",
    "أحتاج إلى طبيب.",
    "سلام، امروز حال شما چطور است؟",
    "به پزشک نیاز دارم.",
    "ሰላም፣ ከመይ ኣለኻ?",
    "ሓኪም የድልየኒ እዩ።",
    "Salaan, sidee tahay maanta?",
    "Waxaan u baahanahay dhakhtar.",
]

SENTENCE_END = ".!?؟።"


def expected_output(from_code: str, to_code: str) -> str:
    """What the tiny from→to model answers for each sentence it is given."""
    return f"tiny {from_code} to {to_code}"


def build_tiny_package(dest_dir: Path, from_code: str, to_code: str, *, with_sbd: bool = True) -> Path:
    """Write ``dest_dir/<from>_<to>.argosmodel`` and return its path.

    ``with_sbd=False`` leaves out the MiniSBD model, as many packages in the Argos index do; argostranslate
    would then fetch a MiniSBD model from the network at the first translation.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    top = f"translate-{from_code}_{to_code}-{PACKAGE_VERSION.replace('.', '_')}"
    with tempfile.TemporaryDirectory(prefix="tinymodel-") as tmp:
        root = Path(tmp) / top
        root.mkdir()
        phrase = expected_output(from_code, to_code)
        processor = _train_sentencepiece(root / "sentencepiece.model", [*CORPUS, phrase, phrase])
        _build_ctranslate2_model(root / "model", processor, phrase)
        if with_sbd:
            (root / "minisbd").mkdir()
            (root / "minisbd" / "tiny.onnx").write_bytes(minisbd_onnx_model())
        metadata = {
            "package_version": PACKAGE_VERSION,
            "argos_version": ARGOS_VERSION,
            "from_code": from_code,
            "from_name": LANGUAGE_NAMES.get(from_code, from_code),
            "to_code": to_code,
            "to_name": LANGUAGE_NAMES.get(to_code, to_code),
            "type": "translate",
            "links": [],
        }
        (root / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False, indent=2), encoding="utf-8")
        (root / "README.md").write_text(f"Tiny test package {from_code}→{to_code}; it does not translate.\n")

        archive = dest_dir / f"{from_code}_{to_code}.argosmodel"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(root.rglob("*")):
                zf.write(path, path.relative_to(Path(tmp)).as_posix())
    return archive


# --- SentencePiece ---------------------------------------------------------------------------------------


def _train_sentencepiece(path: Path, lines: list[str]) -> Any:
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        model_type="unigram",
        vocab_size=180,
        hard_vocab_limit=False,
        character_coverage=1.0,
        num_threads=1,
        minloglevel=2,
    )
    path.write_bytes(model.getvalue())
    return spm.SentencePieceProcessor(model_file=str(path))


# --- CTranslate2 -----------------------------------------------------------------------------------------


def _build_ctranslate2_model(out_dir: Path, processor: Any, phrase: str) -> None:
    vocab: list[str] = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    index = {piece: i for i, piece in enumerate(vocab)}
    pieces: list[str] = processor.encode(phrase, out_type=str)
    if len(pieces) >= D_MODEL:
        raise ValueError(f"{phrase!r} is {len(pieces)} pieces; the tiny model emits at most {D_MODEL - 1}")
    if any(piece not in index for piece in pieces):
        raise ValueError(f"{phrase!r} has pieces outside the vocabulary: {pieces}")

    spec = ctranslate2.specs.TransformerSpec.from_config(num_layers=1, num_heads=NUM_HEADS)
    vocab_size = len(vocab)
    eos = len(pieces)

    def zeros(*shape: int) -> np.ndarray[Any, np.dtype[np.float32]]:
        return np.zeros(shape, dtype=np.float32)

    def layer_norm(ln: Any) -> None:
        ln.gamma = np.ones(D_MODEL, dtype=np.float32)
        ln.beta = zeros(D_MODEL)

    def ffn(f: Any) -> None:
        layer_norm(f.layer_norm)
        f.linear_0.weight = zeros(FFN_DIM, D_MODEL)
        f.linear_1.weight = zeros(D_MODEL, FFN_DIM)

    encoder, decoder = spec.encoder, spec.decoder
    encoder.embeddings[0].weight = zeros(vocab_size, D_MODEL)
    encoder.position_encodings.encodings = zeros(MAX_POSITIONS, D_MODEL)
    layer_norm(encoder.layer_norm)
    for layer in encoder.layer:
        layer_norm(layer.self_attention.layer_norm)
        layer.self_attention.linear[0].weight = zeros(3 * D_MODEL, D_MODEL)
        layer.self_attention.linear[1].weight = zeros(D_MODEL, D_MODEL)
        ffn(layer.ffn)

    decoder.embeddings.weight = zeros(vocab_size, D_MODEL)
    positions = zeros(MAX_POSITIONS, D_MODEL)
    for t in range(MAX_POSITIONS):
        positions[t, min(t, eos)] = 1.0  # step t sees e_t; from the end of the phrase on, always e_eos
    decoder.position_encodings.encodings = positions
    layer_norm(decoder.layer_norm)
    for layer in decoder.layer:
        layer_norm(layer.self_attention.layer_norm)
        layer.self_attention.linear[0].weight = zeros(3 * D_MODEL, D_MODEL)
        layer.self_attention.linear[1].weight = zeros(D_MODEL, D_MODEL)
        layer_norm(layer.attention.layer_norm)
        layer.attention.linear[0].weight = zeros(D_MODEL, D_MODEL)
        layer.attention.linear[1].weight = zeros(2 * D_MODEL, D_MODEL)
        layer.attention.linear[2].weight = zeros(D_MODEL, D_MODEL)
        ffn(layer.ffn)
    projection = zeros(vocab_size, D_MODEL)
    for t, piece in enumerate(pieces):
        projection[index[piece], t] = 4.0
    projection[index["</s>"], eos] = 4.0
    decoder.projection.weight = projection

    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    out_dir.mkdir()
    spec.save(str(out_dir))


# --- MiniSBD (ONNX protobuf, encoded by hand) --------------------------------------------------------------
# Field numbers from onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto).

_FLOAT = 1  # TensorProto.DataType
_INT64 = 7


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _int_field(field: int, value: int) -> bytes:
    return _varint(field << 3) + _varint(value)


def _bytes_field(field: int, value: bytes | str) -> bytes:
    data = value.encode("utf-8") if isinstance(value, str) else value
    return _varint(field << 3 | 2) + _varint(len(data)) + data


def _tensor_type(elem_type: int, dims: list[int | str]) -> bytes:
    shape = b"".join(
        _bytes_field(1, _bytes_field(2, d) if isinstance(d, str) else _int_field(1, d))  # Dimension
        for d in dims
    )
    tensor = _int_field(1, elem_type) + _bytes_field(2, shape)  # TypeProto.Tensor
    return _bytes_field(1, tensor)  # TypeProto.tensor_type


def _value_info(name: str, elem_type: int, dims: list[int | str]) -> bytes:
    return _bytes_field(1, name) + _bytes_field(2, _tensor_type(elem_type, dims))


def minisbd_onnx_model() -> bytes:
    """A valid MiniSBD model: 'end of sentence' after . ! ? ؟ ።, nothing else."""
    units = ["<PAD>", "<UNK>", *SENTENCE_END, " "]
    logits = np.zeros((len(units), 5), dtype=np.float32)
    logits[:, 0] = 1.0  # inside a token
    for i, unit in enumerate(units):
        if unit in SENTENCE_END:
            logits[i] = [0.0, 0.0, 1.0, 0.0, 0.0]  # end of token and of sentence
    table = (
        b"".join(_int_field(1, d) for d in logits.shape)  # dims
        + _int_field(2, _FLOAT)  # data_type
        + _bytes_field(8, "table")  # name
        + _bytes_field(9, struct.pack(f"<{logits.size}f", *logits.ravel().tolist()))  # raw_data
    )
    node = _bytes_field(1, "table") + _bytes_field(1, "units") + _bytes_field(2, "logits") + _bytes_field(4, "Gather")
    graph = (
        _bytes_field(1, node)
        + _bytes_field(2, "tiny_sbd")
        + _bytes_field(5, table)
        + _bytes_field(11, _value_info("units", _INT64, ["batch", "length"]))
        + _bytes_field(11, _value_info("features", _FLOAT, ["batch", "length", "features"]))
        + _bytes_field(12, _value_info("logits", _FLOAT, ["batch", "length", 5]))
    )
    vocab = {
        "lang": "xx",
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_id2unit": units,
        "_unit2id": {u: i for i, u in enumerate(units)},
    }
    config = {"feat_funcs": ["space_before", "capitalized"], "max_seqlen": 300, "batch_size": 32}
    metadata = {"lang_code": "xx", "config": json.dumps(config), "vocab": json.dumps(vocab), "lexicon": "null"}
    return (
        _int_field(1, 7)  # ir_version
        + _bytes_field(2, "tests/tinymodel.py")  # producer_name
        + _bytes_field(7, graph)
        + _bytes_field(8, _int_field(2, 13))  # opset_import: default domain, version 13
        + b"".join(_bytes_field(14, _bytes_field(1, k) + _bytes_field(2, v)) for k, v in metadata.items())
    )
