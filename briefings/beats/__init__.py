"""Beats: what a beat is about (a file) and which articles and facts belong to it.

from briefings.beats import load_beats, judge, restrict
beats = load_beats([Path("us-china-trade.toml")])
judge(summary, beats[0])       # Relevance: relevant, parties, topics, why
restrict(summary, beats[0])    # the summary with only the beat's facts
"""

from briefings.beats.beat import Beat, BeatFileError, Party, default_beat_path, load_beat, load_beats
from briefings.beats.relevance import Relevance, judge, restrict

__all__ = [
    "Beat",
    "BeatFileError",
    "Party",
    "Relevance",
    "default_beat_path",
    "judge",
    "load_beat",
    "load_beats",
    "restrict",
]
