from api.web.oversight import BAR_WIDTH, charted
from projections.suppression import Figure


def test_bars_are_scaled_by_size_so_a_negative_change_is_drawn_too() -> None:
    figures = [
        Figure("outcome_distance_travelled_mean", "family_life", -2.0),
        Figure("outcome_distance_travelled_mean", "social_life", 1.0),
        Figure("outcome_distance_travelled_mean", "all", None, suppressed=True),
        Figure("referrals", "all", 0),
    ]
    charts = charted(figures)
    assert [bar.width for bar in charts["outcome_distance_travelled_mean"]] == [
        BAR_WIDTH,
        BAR_WIDTH // 2,
        0,
    ]
    assert [bar.width for bar in charts["referrals"]] == [0]
