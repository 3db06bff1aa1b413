"""Word-level tokenizer files (Hugging Face `tokenizers` JSON) and a Python encoder with the same behaviour.

Encoding: special tokens are split out first (added tokens), the rest is split with the `Whitespace`
pre-tokenizer's regex `\\w+|[^\\w\\s]+`, words map to ids (`<unk>` otherwise), then the post-processor prepends the
BOS token where the family adds one — once: a text that already starts with the BOS token keeps a single BOS
(what inseq.js's tokenizer wrapper does; Hugging Face would produce two).
"""
import re

_WORD = re.compile(r"\w+|[^\w\s]+")


def tokenizer_json(vocab, unk, add_bos):
    """tokenizer.json of a WordLevel model over `vocab` (special tokens first), with an optional BOS post-processor."""
    specials = [t for t in vocab if t.startswith("<")]
    added = [{"id": vocab.index(t), "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for t in specials]
    post = None
    if add_bos:
        bos_id = vocab.index(add_bos)
        post = {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": add_bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": add_bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": add_bos, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {add_bos: {"id": add_bos, "ids": [bos_id], "tokens": [add_bos]}},
        }
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
        "pre_tokenizer": {"type": "Whitespace"}, "post_processor": post,
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": False},
        "model": {"type": "WordLevel", "vocab": {t: i for i, t in enumerate(vocab)}, "unk_token": unk},
    }


def encode(text, vocab, unk, add_bos):
    """Ids of `text` as the tokenizer.json above encodes it, with a single leading BOS where `add_bos` names one."""
    specials = sorted((t for t in vocab if t.startswith("<")), key=len, reverse=True)
    split = re.compile("(" + "|".join(re.escape(s) for s in specials) + ")")
    index = {t: i for i, t in enumerate(vocab)}
    ids = []
    for piece in split.split(text):
        if piece in index and piece in specials:
            ids.append(index[piece])
        else:
            ids.extend(index.get(w, index[unk]) for w in _WORD.findall(piece))
    if add_bos and (not ids or ids[0] != index[add_bos]):
        ids.insert(0, index[add_bos])
    return ids
