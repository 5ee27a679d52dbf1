#!/usr/bin/python3
"""Writes the small pickle and npz fixtures of PickleTests and KerasImdbLoaderTests.

Run with Debian's python3 and python3-numpy (apt-get install -y python3-numpy) from this folder:
    /usr/bin/python3 make_fixtures.py
Nothing here is ever unpickled by the tests' generator: the malicious fixtures are written opcode by opcode, so
running this script executes nothing they name.
"""
import io
import json
import pickle
import struct
import zipfile

import numpy as np

# Three training and two test reviews as Keras' imdb.npz holds them: Python lists of word ranks (1 = most frequent
# word of imdb_word_index.json), one numpy object array per split, labels as int64 arrays.
WORDS = {"the": 1, "movie": 2, "was": 3, "great": 4, "awful": 5, "i": 6, "loved": 7, "it": 8, "don't": 9, "10": 10}
# The third review is longer than 256 items (so pickle batches its APPENDS) and names rank 70000 (a 4-byte BININT).
X_TRAIN = [[1, 2, 3, 4], [6, 7, 8], [1, 2, 3] + [5] * 300 + [70000, 9, 10]]
Y_TRAIN = [1, 1, 0]
X_TEST = [[6, 9, 7, 8], [2]]
Y_TEST = [1, 0]


def object_array(lists):
    array = np.empty(len(lists), dtype=object)
    for i, item in enumerate(lists):
        array[i] = item
    return array


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


def npy_object_header(length):
    """The .npy v1.0 header numpy writes before the pickle of a 1-D object array."""
    header = "{'descr': '|O', 'fortran_order': False, 'shape': (%d,), }" % length
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1")


# The object array of X_TEST pickled by every protocol a numpy object array can come in (2 to 5).
for protocol in (2, 3, 4, 5):
    write("object_array_protocol%d.pkl" % protocol, pickle.dumps(object_array(X_TEST), protocol=protocol))

# Keras' two files: the npz written by numpy itself (np.savez, allow_pickle for the object arrays) and the word index.
np.savez("tiny_imdb.npz", x_train=object_array(X_TRAIN), y_train=np.array(Y_TRAIN, dtype=np.int64),
         x_test=object_array(X_TEST), y_test=np.array(Y_TEST, dtype=np.int64))
with open("tiny_imdb_word_index.json", "w") as f:
    json.dump(dict(WORDS, rare=70000), f)

# Malicious pickles, opcode by opcode: GLOBAL / STACK_GLOBAL of a callable, its argument tuple, REDUCE, STOP.
os_system = b"\x80\x02cos\nsystem\nq\x00X\x0a\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03."
builtins_eval = (b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x08builtins\x94\x8c\x04eval\x94\x93\x94"
                 b"\x8c\x0d__import__('os')\x94\x85\x94R\x94.")
write("os_system.pkl", os_system)
write("builtins_eval.pkl", builtins_eval)
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w") as archive:
    archive.writestr("x_train.npy", npy_object_header(1) + os_system)
write("malicious_imdb.npz", buffer.getvalue())
