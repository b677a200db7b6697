#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Recover the uncompressed kernel ELF (vmlinux) from an x86 bzImage.

The bzImage is a real-mode setup part followed by a self-decompressing
32/64-bit stub that carries the compressed kernel ELF as its payload. The
Linux/x86 boot protocol (version 2.08 and later) records where that payload
lies in the setup header; older or odd images are searched by compression
magic instead. The payload is unpacked with the ordinary command-line tools
and accepted only when the result is a whole ELF file.

Usage: extract-vmlinux.py <bzImage> <vmlinux-out>
"""
import shutil
import struct
import subprocess
import sys

# Magic bytes at the start of each format and the tool that decompresses it
# from stdin to stdout. xz is told to stop after one stream because the
# kernel build appends the uncompressed size (le32) after the data.
FORMATS = [
    ("xz", b"\xfd7zXZ\x00", ["xz", "-dc", "--single-stream"]),
    ("zstd", b"\x28\xb5\x2f\xfd", ["zstd", "-dcq"]),
    ("gzip", b"\x1f\x8b\x08", ["gzip", "-dc"]),
    ("lz4", b"\x02\x21\x4c\x18", ["lz4", "-dc"]),
    ("bzip2", b"BZh", ["bzip2", "-dc"]),
    ("lzma", b"\x5d\x00\x00", ["xz", "-dc", "--format=lzma"]),
    ("lzo", b"\x89LZO", ["lzop", "-dc"]),
]

HDR_MAGIC_OFF = 0x202      # "HdrS" in the setup header
HDR_VERSION_OFF = 0x206
SETUP_SECTS_OFF = 0x1f1
PAYLOAD_OFF = 0x248        # payload_offset, payload_length (protocol 2.08+)


def header_payload(img):
    """(offset, length) of the payload from the setup header, or None."""
    if len(img) < 0x250 or img[HDR_MAGIC_OFF:HDR_MAGIC_OFF + 4] != b"HdrS":
        return None
    if struct.unpack_from("<H", img, HDR_VERSION_OFF)[0] < 0x208:
        return None
    setup_sects = img[SETUP_SECTS_OFF] or 4   # 0 means 4 (boot protocol)
    pm_start = (setup_sects + 1) * 512
    off, length = struct.unpack_from("<II", img, PAYLOAD_OFF)
    if length == 0 or pm_start + off + length > len(img):
        return None
    return pm_start + off, length


def magic_candidates(img):
    """Every (offset, format) where a known compression magic occurs."""
    found = []
    for fmt in FORMATS:
        pos = img.find(fmt[1])
        while pos != -1:
            found.append((pos, fmt))
            pos = img.find(fmt[1], pos + 1)
    found.sort(key=lambda c: c[0])
    return found


def elf_is_whole(data):
    """True when data is an ELF file whose headers and segments all fit."""
    if len(data) < 64 or data[:4] != b"\x7fELF":
        return False
    if data[4] == 2:   # ELFCLASS64
        phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
        phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 0x36)
        ph_fmt, ph_off_idx, ph_filesz_idx = "<IIQQQQQQ", 2, 5
    elif data[4] == 1:
        phoff, shoff = struct.unpack_from("<II", data, 0x1c)
        phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 0x2a)
        ph_fmt, ph_off_idx, ph_filesz_idx = "<IIIIIIII", 1, 4
    else:
        return False
    if phoff + phentsize * phnum > len(data) or shoff + shentsize * shnum > len(data):
        return False
    for i in range(phnum):
        ph = struct.unpack_from(ph_fmt, data, phoff + i * phentsize)
        if ph[ph_off_idx] + ph[ph_filesz_idx] > len(data):
            return False
    return phnum > 0


def decompress(fmt, blob):
    name, _, cmd = fmt
    if not shutil.which(cmd[0]):
        print(f"extract-vmlinux: {cmd[0]} is missing (needed for {name})",
              file=sys.stderr)
        return None
    # Trailing bytes after the stream make some tools exit non-zero even
    # though the output is complete; the ELF check below is the judge.
    res = subprocess.run(cmd, input=blob, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    return res.stdout


def try_at(img, off, length, fmt):
    out = decompress(fmt, img[off:off + length] if length else img[off:])
    if out and elf_is_whole(out):
        return out
    return None


def extract(img):
    hp = header_payload(img)
    if hp:
        off, length = hp
        for fmt in FORMATS:
            if img.startswith(fmt[1], off):
                out = try_at(img, off, length, fmt)
                if out:
                    return out, fmt[0], off
    for off, fmt in magic_candidates(img):
        out = try_at(img, off, 0, fmt)
        if out:
            return out, fmt[0], off
    return None, None, None


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        img = f.read()
    elf, fmt, off = extract(img)
    if elf is None:
        print(f"extract-vmlinux: no compressed ELF found in {sys.argv[1]}",
              file=sys.stderr)
        return 1
    with open(sys.argv[2], "wb") as f:
        f.write(elf)
    print(f"extract-vmlinux: {fmt} payload at {off:#x}, {len(elf)} bytes of ELF",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
