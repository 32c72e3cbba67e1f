"""Physical and protocol constants shared by all modules.

Names carry their units.  Conversions between units are written out where
they are used (``* 1e-6``), with the constant names below for the ones that
are easy to get wrong.
"""

from __future__ import annotations

#: Seconds per day. [s/day]
SECONDS_PER_DAY: float = 86_400.0

#: Hours in a Julian year, used by CBECI to annualise power (365.25 x 24). [h/yr]
HOURS_PER_YEAR: float = 8_766.0

#: Joules per kilowatt-hour. [J/kWh]
J_PER_KWH: float = 3.6e6

#: Hashes per terahash. [H/TH]
H_PER_TH: float = 1e12

#: Terahashes per exahash. [TH/EH]
TH_PER_EH: float = 1e6

#: Target block interval of the Bitcoin protocol. [s]
BLOCK_INTERVAL_S: float = 600.0

#: Expected blocks per day at the target interval. [blocks/day]
BLOCKS_PER_DAY: float = SECONDS_PER_DAY / BLOCK_INTERVAL_S

#: Hashes per unit of difficulty: a block at difficulty 1 needs 2**32 hashes on average. [H]
HASHES_PER_DIFFICULTY: float = 2.0**32

#: Energy per day of one TH/s at 1 J/TH: 86 400 s/day / 3.6e6 J/kWh. [kWh/(TH/s)/day per J/TH]
KWH_PER_THS_DAY_PER_J_PER_TH: float = SECONDS_PER_DAY / J_PER_KWH
