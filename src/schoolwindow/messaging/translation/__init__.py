"""The phrasebook, machine translation and the phrase picker (/phrasebook/)."""
