"""The candidate index on disk: named numpy arrays in one file, read back memory-mapped.

A file holds a header (JSON: what the index is of, and where each array lies) and the arrays,
each aligned to 64 bytes. :func:`read_arrays` maps the file and hands out read-only views, so
loading costs one ``mmap`` and no copy: the pages a query touches are read when it touches them.
:func:`write_arrays` writes to a temporary name in the same folder and renames it, so a
concurrent reader sees either the old file or the whole new one, never half of one.

Strings (words, entity ids, records) are kept as a :class:`StringTable`: their UTF-8 bytes
end to end, and where each ends. Keys (deletion variants, Korean syllables, identifiers) are
kept as a :class:`KeyTable`: the keys' 64-bit digests, sorted, each with its run of values.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import tempfile
from array import array as typed_array
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from pathlib import Path

import numpy as np

#: First bytes of an index file, and the version of its layout.
MAGIC = b"MONEYMEN-INDEX\n"
LAYOUT = 2  # 2: keys digested by a word-wise sum (1: BLAKE2b per key)
_ALIGN = 64


class IndexFileError(ValueError):
    """An index file that is not one, is of another layout, or is cut short."""


#: The digest: each 8-byte word of a key's UTF-8 bytes (little-endian, the last one padded with
#: zeros) is mixed with a seed of its position; the mixed words are summed (mod 2**64), and the
#: sum, spread by the key's length in bytes, is mixed again. Every word is mixed on its own, so
#: numpy digests all the words of many keys at once (:func:`digests`); :func:`key_digest` does
#: the same sum in Python for one short key.
_M64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15      # 2**64 / golden ratio, odd: spreads positions
_PI = 0x243F6A8885A308D3          # first fraction bits of pi, odd: spreads lengths
_FMIX = (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53)  # murmur3's 64-bit finaliser
#: Keys of up to this many bytes are digested in Python by :func:`key_digest` (a few µs).
_SHORT_KEY_BYTES = 256
#: Keys digested together by numpy: bounds the arrays of one pass (a few MB).
_BATCH = 1 << 14
#: From this many keys at once, :func:`digests` is faster than :func:`key_digest` on each.
_BULK_KEYS = 32


def _mix(h: np.ndarray) -> np.ndarray:
    """murmur3's fmix64 of each value, in place (a bijection of 64 bits, every bit on every bit)."""
    h ^= h >> 33
    h *= np.uint64(_FMIX[0])
    h ^= h >> 33
    h *= np.uint64(_FMIX[1])
    h ^= h >> 33
    return h


def _mix_int(h: int) -> int:
    """:func:`_mix` of one Python int."""
    h ^= h >> 33
    h = (h * _FMIX[0]) & _M64
    h ^= h >> 33
    h = (h * _FMIX[1]) & _M64
    return h ^ (h >> 33)


def _position_seeds(count: int) -> np.ndarray:
    """The seeds of word positions 0 … count - 1."""
    return _mix(np.arange(1, count + 1, dtype=np.uint64) * np.uint64(_GOLDEN))


_SEEDS = _position_seeds(1024)
_SHORT_SEEDS = _SEEDS[:_SHORT_KEY_BYTES // 8].tolist()
#: The mask of a key's last word holding n bytes (n = 1 … 8).
_LAST_WORD_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)


def key_digest(key: str) -> int:
    """A key's 64-bit digest, the same in every process and on every machine (unlike ``hash()``);
    always what :func:`digests` gives for it."""
    data = key.encode("utf-8", "surrogatepass")
    if len(data) > _SHORT_KEY_BYTES:
        return int(_batch_digests([key])[0])
    total = (len(data) + 1) * _PI
    for position, word in enumerate(struct.unpack(f"<{-(-len(data) // 8)}Q", data + bytes(-len(data) % 8))):
        total += _mix_int(word ^ _SHORT_SEEDS[position])
    return _mix_int(total & _M64)


def digests(keys: Iterable[str]) -> np.ndarray:
    """The digests of ``keys`` (as :func:`key_digest`), as an unsigned 64-bit array, computed by numpy."""
    keys = list(keys)
    if len(keys) <= _BATCH:
        return _batch_digests(keys)
    found = np.empty(len(keys), dtype=np.uint64)
    for start in range(0, len(keys), _BATCH):
        found[start:start + _BATCH] = _batch_digests(keys[start:start + _BATCH])
    return found


def _batch_digests(keys: list[str]) -> np.ndarray:
    """The digests of ``keys``: their bytes encoded at once, every word of every key mixed at once."""
    data = "\0".join(keys).encode("utf-8", "surrogatepass")
    ends = np.empty(len(keys), dtype=np.int64)
    nuls = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0)
    if len(nuls) == len(keys) - 1:  # each NUL ends a key
        ends[:-1], ends[-1:] = nuls, len(data)
        starts = np.concatenate(([0], nuls + 1))
    else:  # keys holding a NUL: told apart by their lengths
        data = "".join(keys).encode("utf-8", "surrogatepass")
        np.cumsum([len(key.encode("utf-8", "surrogatepass")) for key in keys], out=ends)
        starts = np.concatenate(([0], ends[:-1]))[:len(keys)]
    lengths = ends - starts
    words = (lengths + 7) >> 3
    first_word = np.cumsum(words) - words
    # the 8 bytes from each byte offset, read little-endian (the bytes past the end are zeros)
    unaligned = np.ndarray((len(data) + 1,), dtype="<u8", buffer=data + bytes(8), strides=(1,))
    position = np.arange(int(words.sum())) - np.repeat(first_word, words)
    mixed = unaligned[np.repeat(starts, words) + 8 * position].astype(np.uint64)
    filled = words > 0
    last = (first_word + words - 1)[filled]
    mixed[last] &= _LAST_WORD_MASKS[(lengths - 8 * (words - 1))[filled]]
    longest = int(words.max(initial=0))
    mixed ^= (_SEEDS if longest <= len(_SEEDS) else _position_seeds(longest))[position]
    _mix(mixed)
    totals = (lengths.astype(np.uint64) + np.uint64(1)) * np.uint64(_PI)
    if len(mixed):
        totals[filled] += np.add.reduceat(mixed, first_word[filled])
    return _mix(totals)


class Positional(Sequence):
    """A sequence read by position through :meth:`at`: slices, negative positions and bounds are
    handled here, once, for every sequence an index reads lazily (strings, decoded records)."""

    def at(self, position: int):
        """The item at ``position``, which is within bounds."""
        raise NotImplementedError

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        return self.at(position)


class StringTable(Positional):
    """Strings stored end to end as UTF-8 (``data``) with their end offsets (``ends``), read one at a time."""

    def __init__(self, data: np.ndarray, ends: np.ndarray):
        self.data = data
        self.ends = ends

    @classmethod
    def build(cls, texts: Iterable[str | bytes]) -> "StringTable":
        """A table of ``texts`` (str, or bytes already encoded), read one at a time: a million
        records never stand as a million bytes objects beside their concatenation."""
        data = bytearray()
        lengths = typed_array("q")
        for text in texts:
            encoded = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
            data += encoded
            lengths.append(len(encoded))
        ends = np.cumsum(np.frombuffer(lengths, dtype=np.int64)) if lengths else np.zeros(0, np.int64)
        return cls(np.frombuffer(data, dtype=np.uint8) if data else np.zeros(0, np.uint8), ends.astype(np.int64))

    def __len__(self) -> int:
        return len(self.ends)

    def raw(self, position: int) -> bytes:
        """The bytes of string ``position``."""
        start = int(self.ends[position - 1]) if position > 0 else 0
        return self.data[start:int(self.ends[position])].tobytes()

    def at(self, position: int) -> str:
        """The string at ``position`` (0 ≤ position < len)."""
        return self.raw(position).decode("utf-8", "surrogatepass")

    def texts(self, positions: Sequence[int]) -> list[str]:
        """The strings at ``positions`` (valid positions), read in one pass over the offsets."""
        at = np.asarray(positions, dtype=np.int64)
        ends = self.ends[at].tolist()
        starts = np.where(at > 0, self.ends[at - 1], 0).tolist()
        view = self.data.data  # the bytes as a memoryview, sliced without copying the array
        return [str(view[start:end], "utf-8", "surrogatepass") for start, end in zip(starts, ends)]

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}.data": self.data, f"{prefix}.ends": self.ends}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str) -> "StringTable":
        return cls(arrays[f"{prefix}.data"], arrays[f"{prefix}.ends"])


class KeyTable:
    """Keys → runs of int32 values (word ids, entity positions), looked up by the keys' digests.

    Two keys share a run only if their 64-bit digests collide; callers treat what a key finds as
    candidates to check (a word's similarity, an entity's score), never as proof.
    """

    def __init__(self, keys: np.ndarray, starts: np.ndarray, values: np.ndarray):
        self.keys = keys          # sorted, distinct digests
        self.starts = starts      # run of key k: values[starts[k]:starts[k + 1]]
        self.values = values

    @classmethod
    def build(cls, keys: np.ndarray, values: np.ndarray) -> "KeyTable":
        """A table from parallel arrays of digests and values; each run keeps its values' order."""
        order = np.argsort(keys, kind="stable")
        keys, values = keys[order], values[order].astype(np.int32)
        if len(keys):
            first = np.concatenate(([True], keys[1:] != keys[:-1]))
            distinct = keys[first]
            starts = np.concatenate((np.flatnonzero(first), [len(keys)])).astype(np.int64)
        else:
            distinct, starts = np.zeros(0, np.uint64), np.zeros(1, np.int64)
        return cls(distinct, starts, values)

    def __len__(self) -> int:
        return len(self.keys)

    def find(self, digest: int) -> np.ndarray | None:
        """The run of the key with this digest, or None."""
        at = int(np.searchsorted(self.keys, np.uint64(digest)))
        if at < len(self.keys) and int(self.keys[at]) == digest:
            return self.values[self.starts[at]:self.starts[at + 1]]
        return None

    def get(self, key: str) -> np.ndarray | None:
        """The run of ``key``, or None."""
        return self.find(key_digest(key)) if len(self.keys) else None

    def runs(self, keys: Iterable[str]) -> list[np.ndarray]:
        """The runs of those of ``keys`` the table has, each once (looked up together)."""
        if not len(self.keys):
            return []
        keys = list(keys)
        found = digests(keys).tolist() if len(keys) >= _BULK_KEYS else map(key_digest, keys)
        wanted = np.fromiter(sorted(set(found)), dtype=np.uint64)
        at = np.searchsorted(self.keys, wanted)
        inside = at < len(self.keys)
        at = at[inside][self.keys[at[inside]] == wanted[inside]]
        return [self.values[self.starts[k]:self.starts[k + 1]] for k in at.tolist()]

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}.keys": self.keys, f"{prefix}.starts": self.starts, f"{prefix}.values": self.values}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str) -> "KeyTable":
        return cls(arrays[f"{prefix}.keys"], arrays[f"{prefix}.starts"], arrays[f"{prefix}.values"])


class StringIndex:
    """Distinct strings and their positions, looked up by spelling: ``get(text)``, ``text in``, ``[text]``."""

    def __init__(self, strings: StringTable, digests_sorted: np.ndarray, order: np.ndarray):
        self.strings = strings
        self.digests = digests_sorted
        self.order = order

    @classmethod
    def build(cls, texts: Sequence[str]) -> "StringIndex":
        """An index of ``texts`` (each at its position in the sequence)."""
        found = digests(texts)
        order = np.argsort(found, kind="stable")
        return cls(StringTable.build(texts), found[order], order.astype(np.int32))

    def get(self, text: str, default=None):
        """The position of ``text``, or ``default``."""
        if not len(self.digests):
            return default
        digest = np.uint64(key_digest(text))
        at = int(np.searchsorted(self.digests, digest))
        while at < len(self.digests) and self.digests[at] == digest:
            position = int(self.order[at])
            if self.strings[position] == text:
                return position
            at += 1
        return default

    def __contains__(self, text: str) -> bool:
        return self.get(text) is not None

    def __getitem__(self, text: str) -> int:
        found = self.get(text)
        if found is None:
            raise KeyError(text)
        return found

    def __len__(self) -> int:
        return len(self.strings)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {**self.strings.arrays(prefix), f"{prefix}.digests": self.digests, f"{prefix}.order": self.order}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str) -> "StringIndex":
        return cls(StringTable.from_arrays(arrays, prefix), arrays[f"{prefix}.digests"], arrays[f"{prefix}.order"])


def write_arrays(path: Path, arrays: Mapping[str, np.ndarray], meta: dict) -> None:
    """Write ``arrays`` and ``meta`` (JSON) to ``path`` at once: a temporary file, then a rename.

    The file is readable by its owner only (0600), as the store is.
    """
    directory: list[dict[str, Any]] = []
    offset = 0
    for name, array in arrays.items():
        array = np.ascontiguousarray(array)
        offset = -(-offset // _ALIGN) * _ALIGN
        directory.append({"name": name, "dtype": array.dtype.str, "shape": list(array.shape), "offset": offset})
        offset += array.nbytes
    header = json.dumps({"layout": LAYOUT, "meta": meta, "arrays": directory}, ensure_ascii=True).encode()
    start = -(-(len(MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".idx", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC + len(header).to_bytes(8, "little") + header)
            written = len(MAGIC) + 8 + len(header)
            for entry, array in zip(directory, arrays.values()):
                target = start + entry["offset"]
                out.write(b"\0" * (target - written))
                if array.nbytes:  # written from the array itself: a copy of the largest would add to the peak
                    out.write(np.ascontiguousarray(array).data.cast("B"))
                written = target + np.asarray(array).nbytes
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_arrays(path: Path) -> tuple[dict[str, np.ndarray], dict]:
    """The arrays (read-only views of the mapped file) and the meta of an index file."""
    with open(path, "rb") as handle:
        try:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file
            raise IndexFileError(f"{path}: empty, not an index file") from None
    if mapped[:len(MAGIC)] != MAGIC:
        raise IndexFileError(f"{path}: not a moneymen index file")
    size = int.from_bytes(mapped[len(MAGIC):len(MAGIC) + 8], "little")
    try:
        header = json.loads(mapped[len(MAGIC) + 8:len(MAGIC) + 8 + size])
    except ValueError:
        raise IndexFileError(f"{path}: unreadable header") from None
    if header.get("layout") != LAYOUT:
        raise IndexFileError(f"{path}: index layout {header.get('layout')}, this moneymen reads {LAYOUT}")
    start = -(-(len(MAGIC) + 8 + size) // _ALIGN) * _ALIGN
    arrays = {}
    for entry in header["arrays"]:
        dtype = np.dtype(entry["dtype"])
        count = int(np.prod(entry["shape"], dtype=np.int64))
        offset = start + entry["offset"]
        if offset + count * dtype.itemsize > len(mapped):
            raise IndexFileError(f"{path}: cut short (array {entry['name']})")
        arrays[entry["name"]] = (np.frombuffer(mapped, dtype=dtype, count=count, offset=offset) if count
                                 else np.zeros(0, dtype)).reshape(entry["shape"])
    return arrays, header["meta"]
