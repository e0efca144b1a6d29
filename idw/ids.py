"""Time-ordered row ids, the same on SQLite and PostgreSQL."""

import os
import time

# The version (7) and the variant (RFC 9562: 0b10) bits.
_VERSION_AND_VARIANT = 0x7 << 76 | 0x2 << 62


def time_ordered_ids(count: int) -> list[str]:
    """`count` version 7 UUIDs (RFC 9562), as strings: the Unix time in milliseconds
    in the first 48 bits, the version, then random bits (74 of them, with the 2
    variant bits). Made in one go, from one read of the system's random source:
    a fifth of the cost of one uuid.UUID at a time, which counts in bulk intake.

    Rows keyed by them are inserted at the right edge of the primary key's index
    and of the indexes that lead with it (the change records' and audit entries'
    row_id), instead of touching a random leaf page per row as random (version 4)
    ids do. They tell no more than a creation time does.
    """
    milliseconds = time.time_ns() // 1_000_000 & (1 << 48) - 1
    high = milliseconds << 80 | _VERSION_AND_VARIANT
    random = os.urandom(10 * count)
    ids = []
    for start in range(0, 10 * count, 10):
        bits = int.from_bytes(random[start : start + 10], "big")
        # 12 random bits after the version, 62 after the variant.
        digits = f"{high | (bits >> 62 & 0xFFF) << 64 | (bits & (1 << 62) - 1):032x}"
        ids.append(f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}")
    return ids
