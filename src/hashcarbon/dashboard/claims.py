"""Page 5, claims: the report's claims table with verdicts, evidence and rules, linked to pages."""

from __future__ import annotations

import streamlit as st

from hashcarbon.dashboard import _ui
from hashcarbon.dashboard._i18n import report_text, tr

VERDICT_ICON = {
    "supported": ":material/check_circle:",
    "contradicted": ":material/cancel:",
    "unresolved": ":material/help:",
}


def render() -> None:
    lg = _ui.lang()
    st.title(tr(lg, "page_claims"))
    st.caption(tr(lg, "claims_intro"))
    runs = st.select_slider(
        tr(lg, "claims_runs"), options=[10, 20, 50], value=20, key="claims_runs"
    )
    with st.spinner("…"):
        frame = _ui.claims_table(int(runs), 0)
    zh = lg == "zh"
    table = frame.assign(
        verdict=[report_text(lg, v, v) for v in frame["verdict"]],
        claim=frame["claim_zh"] if zh else frame["claim"],
        rule=frame["rule_zh"].where(frame["rule_zh"].astype(bool), frame["rule"])
        if zh
        else frame["rule"],
        reason=frame["reason_zh"].where(frame["reason_zh"].astype(bool), frame["reason"])
        if zh
        else frame["reason"],
        link=[f"./{'' if p == 'today' else p}?lang={lg}" for p in frame["page"]],
    )
    cols = [
        "id",
        "claim",
        "verdict",
        "link",
        "project_number",
        "published_number",
        "reason",
        "rule",
        "published_source",
    ]
    labels = {
        "claim": report_text(lg, "col_claim", "claim"),
        "verdict": report_text(lg, "col_verdict", "verdict"),
        "project_number": report_text(lg, "col_project", "project number"),
        "published_number": report_text(lg, "col_published", "published number"),
        "reason": report_text(lg, "col_reason", "reason"),
    }
    st.dataframe(
        table[cols],
        hide_index=True,
        key="claims_table",
        column_config={
            **{k: st.column_config.TextColumn(v) for k, v in labels.items()},
            "claim": st.column_config.TextColumn(labels["claim"], width="large"),
            "link": st.column_config.LinkColumn(
                tr(lg, "evidence_page"), display_text="open ›" if lg == "en" else "打开 ›"
            ),
        },
    )
    st.subheader(tr(lg, "evidence_page"))
    page_titles = {p: tr(lg, f"page_{p}") for p in _ui.PAGES}
    for (_, row), verdict in zip(table.iterrows(), frame["verdict"], strict=True):
        st.page_link(
            f"_pages/{row['page']}.py",
            icon=VERDICT_ICON.get(verdict),
            label=f"{row['verdict']}  {row['id']} → {page_titles[row['page']]}",
        )
