"""The page's own controls: preset, knobs, seed, Reset / Step / Play, speed.

SolaraViz's controls are English-only and cannot show a unit, a source or a field-level
error, so the view builds its own from Solara's inputs. Each knob shows its unit, its
source on hover (from the calibration table via ``param_info`` and the preset's citation)
and, when a typed value is rejected, the model's own ``ValueError`` message under the field.
"""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from params import calibration_table, load_preset, param_info, preset_problems
from records import record_from_model, record_json
from text import has, tr, unit
from viz.components.svg import esc
from viz.session import Simulation, knob_label

SPEEDS = (1, 2, 4, 8, 12, 24)  # months per second


def knob_source(name: str, preset: str, overridden: bool) -> dict[str, str]:
    """Provenance and source of the value a knob shows.

    A preset's value cites its own calibration row; otherwise the default's row applies.
    """
    info = param_info(name)
    loaded = load_preset(preset)
    cite = loaded.cites.get(name) if not overridden else None
    reason = loaded.reasons.get(name) if not overridden else None
    if cite and cite in calibration_table():
        row = calibration_table()[cite]
        source = f"{reason} ({row.source})" if reason else row.source
        provenance = loaded.provenances.get(name, row.provenance)
        return {"provenance": provenance, "source": source, "cite": cite}
    if cite == "assumed":
        return {"provenance": "assumed", "source": reason or preset, "cite": cite}
    return {"provenance": info["provenance"], "source": info["source"], "cite": info["cite"]}


def knob_tooltip(name: str, preset: str, overridden: bool, lang: str) -> str:
    """Hover text: meaning, source with its provenance, default and allowed range."""
    info = param_info(name)
    src = knob_source(name, preset, overridden)
    prov = tr(f"prov_{src['provenance']}", lang)
    doc_key = f"doc_{name}"
    doc = tr(doc_key, lang) if has(doc_key) else info["doc"]
    return (
        f"{doc} · {tr('source', lang)}: {prov} — {src['source']} [{src['cite']}] · "
        f"{tr('default', lang)} {info['default']:g} · {tr('allowed', lang)} "
        f"{info['lo']:g} – {'<' if info['hi_open'] else ''}{info['hi']:g}"
    )


@solara.component
def KnobField(
    sim: Simulation, name: str, lang: str, on_commit: Callable[[str, str], None], version: int
):
    """One knob: a text field with its unit, its source on hover, and its error if any.

    Args:
        sim: the session's simulation (holds the field's text and error).
        name: parameter name.
        lang: language code.
        on_commit: called with (name, text) when the user presses Enter or leaves the field.
        version: changes whenever the fields may have changed (forces a re-render).
    """
    del version
    field = sim.fields[name]
    overridden = name in sim.overrides
    src = knob_source(name, sim.preset, overridden)
    error: str | bool = False
    if field.error:
        error = tr("invalid_value", lang, error=field.error)
    prov = tr("prov_" + src["provenance"], lang)
    message = f"{tr('source', lang)}: {prov} ⓘ"
    tooltip = knob_tooltip(name, sim.preset, overridden, lang)
    with solara.Tooltip(tooltip), solara.Column(gap="0", style={"padding": "0"}):
        solara.InputText(
            knob_label(name, lang),
            value=field.text,
            on_value=lambda text: on_commit(name, text),
            error=error,
            message=message,
            suffix=unit(str(param_info(name)["unit"]), lang),
            dense=True,
            classes=[f"aiv-knob-{name}"],
        )


@solara.component
def ControlPanel(
    sim: Simulation,
    lang: str,
    version: int,
    playing: bool,
    speed: int,
    on_preset: Callable[[str], None],
    on_knob: Callable[[str, str], None],
    on_seed: Callable[[str], None],
    on_reset: Callable[[], None],
    on_step: Callable[[], None],
    on_play: Callable[[bool], None],
    on_speed: Callable[[int], None],
):
    """Every control of the page.

    Args:
        sim: the session's simulation.
        lang: language code.
        version: changes whenever the simulation changed (forces a re-render).
        playing: whether Play is on.
        speed: months per second while playing.
        on_preset: preset chosen.
        on_knob: knob committed (name, text).
        on_seed: seed committed (text).
        on_reset: Reset pressed.
        on_step: Step pressed.
        on_play: Play (True) or Pause (False) pressed.
        on_speed: speed changed.
    """
    at_end = sim.at_horizon
    with solara.Column(gap="10px", classes=["aiv-controls"]):
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            solara.Button(
                tr("pause", lang) if playing else tr("play", lang),
                on_click=lambda: on_play(not playing),
                color="primary",
                disabled=at_end and not playing,
                classes=["aiv-play"],
            )
            solara.Button(
                tr("step", lang),
                on_click=on_step,
                disabled=playing or at_end,
                outlined=True,
                classes=["aiv-step"],
            )
            solara.Button(
                tr("reset", lang), on_click=on_reset, outlined=True, classes=["aiv-reset"]
            )
        solara.Select(
            tr("speed", lang),
            values=list(SPEEDS),
            value=speed,
            on_value=on_speed,
            dense=True,
            classes=["aiv-speed"],
        )
        # Messages come and go; a column that is always there keeps the controls below it in
        # place (a child inserted into a column made the browser reorder the knob fields).
        with solara.Column(gap="4px", classes=["aiv-messages"], style={"padding": "0"}):
            if at_end:
                solara.Info(tr("horizon_reached", lang, n=sim.months_run), dense=True)
            if sim.failure:
                solara.Error(f"{tr('model_error', lang)} {sim.failure}", dense=True)
        PresetPicker(sim, lang, version, on_preset)
        solara.HTML(tag="div", unsafe_innerHTML=tr("knobs", lang), classes=["aiv-h"])
        solara.HTML(tag="div", unsafe_innerHTML=esc(tr("knobs_note", lang)), classes=["aiv-cap"])
        with solara.Column(gap="10px", classes=["aiv-knobs"], style={"padding": "0"}):
            for name in sim.fields:  # a lesson's knob may be added at the end
                KnobField(sim, name, lang, on_knob, version).key(f"knob-{name}")
        seed_error: Any = sim.seed_field.error or False
        solara.InputText(
            tr("seed", lang),
            value=sim.seed_field.text,
            on_value=on_seed,
            error=seed_error,
            dense=True,
            classes=["aiv-knob-seed"],
        )
        RecordDownload(sim, lang, version)


def preset_menu(lang: str) -> dict[str, str]:
    """The preset menu: label -> preset; a malformed preset file is listed as unusable."""
    good, bad = preset_problems()
    menu = {name: name for name in good}
    menu.update({tr("preset_unusable_item", lang, name=name): name for name in bad})
    return menu


@solara.component
def PresetPicker(sim: Simulation, lang: str, version: int, on_preset: Callable[[str], None]):
    """The preset menu, the chosen preset's description, and the error of an unusable one.

    A preset whose file does not load is listed as unusable; picking it shows its one-line
    error (file and field, never a server path) and the page goes on with what it showed.

    Args:
        sim: the session's simulation.
        lang: language code.
        version: changes whenever the simulation changed (forces a re-render).
        on_preset: called with the preset picked (usable or not).
    """
    del version
    menu = preset_menu(lang)

    def picked(label: str | None) -> None:
        if label is not None:
            on_preset(menu.get(label, label))

    solara.Select(
        tr("scenario", lang),
        values=list(menu),
        value=sim.preset,
        on_value=picked,
        dense=True,
        classes=["aiv-preset"],
    ).key(f"preset-{sim.unusable_picks}")  # after an unusable pick, show the preset again
    if sim.preset_problem:
        solara.Error(sim.preset_problem, dense=True, classes=["aiv-preset-error"])
    desc_key = f"preset_{sim.preset}"
    desc = tr(desc_key, lang) if has(desc_key) else load_preset(sim.preset).description
    solara.HTML(tag="div", unsafe_innerHTML=esc(desc), classes=["aiv-cap"])


def run_record_text(sim: Simulation) -> str:
    """The run record of what the page shows (JSON), for ``run.py replay``."""
    with sim.lock:  # not in the middle of a step
        record = record_from_model(sim.model, seed=sim.seed, kind="view")
    return record_json(record)


@solara.component
def RecordDownload(sim: Simulation, lang: str, version: int):
    """A button that downloads the run record of the months shown so far."""
    del version
    changed = "-changed" if sim.overrides else ""
    name = f"run-{sim.preset}{changed}-seed{sim.seed}-month{sim.months_run}.run.json"
    with solara.Column(gap="0", style={"padding": "0"}):
        solara.FileDownload(
            lambda: run_record_text(sim),
            filename=name,
            label=tr("download_record", lang),
            mime_type="application/json",
        )
        solara.HTML(
            tag="div", unsafe_innerHTML=esc(tr("download_record_note", lang)), classes=["aiv-cap"]
        )
