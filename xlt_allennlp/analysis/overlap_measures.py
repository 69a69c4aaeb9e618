"""Subword overlap between the source training data and each target language (Wu & Dredze 2019,
section 5.4) and its correlation with zero-shot scores across languages (Figure 3)."""

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Optional

MEASURES = ("p_type", "p_token")


@dataclass(frozen=True)
class Overlap:
    """The subwords of one target language's test data seen in the source training data.

    `types` = |V_l| and `tokens` = sum of the counts c_w over V_l; `observed_types` =
    |V_obs| with V_obs = V_en ∩ V_l; `observed_tokens` = sum of c_w over V_obs."""

    types: int
    tokens: int
    observed_types: int
    observed_tokens: int

    @classmethod
    def of(cls, source: Counter[Any], target: Counter[Any]) -> "Overlap":
        observed = [w for w in target if w in source]
        return cls(
            types=len(target),
            tokens=sum(target.values()),
            observed_types=len(observed),
            observed_tokens=sum(target[w] for w in observed),
        )

    @property
    def p_type(self) -> float:
        """|V_obs| / |V_l| x 100."""
        return 100 * self.observed_types / self.types

    @property
    def p_token(self) -> float:
        """Share (x100) of the target's subword tokens whose type is in V_en."""
        return 100 * self.observed_tokens / self.tokens

    def to_json(self) -> dict[str, Any]:
        return {
            "types": self.types,
            "tokens": self.tokens,
            "observed_types": self.observed_types,
            "observed_tokens": self.observed_tokens,
            "p_type": self.p_type,
            "p_token": self.p_token,
        }


def _finite(value: float) -> Optional[float]:
    return float(value) if math.isfinite(value) else None


def correlate(xs: list[float], ys: list[float]) -> dict[str, Any]:
    """Pearson r with its two-sided p-value and Spearman rho (with p) of paired values;
    None where undefined (fewer than 3 pairs, or a constant side)."""
    result: dict[str, Any] = {"n": len(xs), "pearson_r": None, "pearson_p": None}
    result.update(spearman_rho=None, spearman_p=None)
    if len(xs) < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return result
    from scipy import stats  # here: scipy.stats costs start-up time of every allennlp command

    pearson = stats.pearsonr(xs, ys)
    spearman = stats.spearmanr(xs, ys)
    result.update(pearson_r=_finite(pearson.statistic), pearson_p=_finite(pearson.pvalue))
    result.update(spearman_rho=_finite(spearman.statistic), spearman_p=_finite(spearman.pvalue))
    return result


@dataclass
class OverlapReport:
    """Overlap per target language and, with zero-shot `scores` (fractions, as
    `evaluate-languages` writes them), each measure's correlation with them across the target
    languages that have a score (the source language excluded)."""

    source_language: str
    overlaps: dict[str, Overlap]
    scores: dict[str, float]
    metric: Optional[str] = None

    def correlated_languages(self) -> list[str]:
        return [
            lang for lang in self.overlaps if lang != self.source_language and lang in self.scores
        ]

    def correlations(self) -> dict[str, dict[str, Any]]:
        languages = self.correlated_languages()
        ys = [100 * self.scores[lang] for lang in languages]
        return {
            measure: correlate([getattr(self.overlaps[lang], measure) for lang in languages], ys)
            for measure in MEASURES
        }

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "source_language": self.source_language,
            "overlap": {lang: overlap.to_json() for lang, overlap in self.overlaps.items()},
        }
        if self.metric is not None:
            value["metric"] = self.metric
            value["scores"] = {lang: self.scores[lang] for lang in self.correlated_languages()}
            value["correlations"] = self.correlations()
        return value

    def markdown(self) -> str:
        with_scores = self.metric is not None
        header = ["language", "types", "tokens", "p_type", "p_token"]
        lines = ["| " + " | ".join(header + ([self.metric] if with_scores else [])) + " |"]
        lines.append("|" + "---|" * (len(header) + with_scores))
        for lang, overlap in self.overlaps.items():
            cells = [lang, str(overlap.types), str(overlap.tokens)]
            cells += [f"{overlap.p_type:.1f}", f"{overlap.p_token:.1f}"]
            if with_scores:
                cells.append(f"{100 * self.scores[lang]:.1f}" if lang in self.scores else "-")
            lines.append("| " + " | ".join(cells) + " |")
        if with_scores:
            lines += ["", *self._correlation_markdown()]
        return "\n".join(lines)

    def _correlation_markdown(self) -> list[str]:
        languages = self.correlated_languages()
        lines = [
            f"Correlation with {self.metric} across {len(languages)} target languages "
            f"({', '.join(languages)}; without {self.source_language}):",
            "",
            "| measure | Pearson r | p | Spearman rho | p |",
            "|---|---|---|---|---|",
        ]
        for measure, values in self.correlations().items():
            keys = ("pearson_r", "pearson_p", "spearman_rho", "spearman_p")
            cells = ["-" if values[key] is None else f"{values[key]:.3g}" for key in keys]
            lines.append(f"| {measure} | " + " | ".join(cells) + " |")
        return lines
