"""backtest.html: actual against predicted, per week, in one self-contained page (placeholder replaced below)."""
def render(r) -> str:
    return "<html></html>"
