"""aura_kit: explore and teach session ownership in multiparty protocols."""
