"""One registered model per city, and a champion only challenged by a model of the same
data set, re-scored on the challenger's own folds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from training.cli import main
from training.datasets import (
    DEMO_CITY,
    city_of,
    default_city,
    forecast_dataset,
    known_cities,
    model_name,
    other_dataset_reason,
    triage_dataset,
    valid_city,
)

TRAIN = ["train", "forecast", "--folds", "1", "--calls"]


@pytest.fixture(scope="module")
def cities(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A simulated 3-grid city, and a 4-grid city's export without the simulator's marks
    (another data source), in a folder named after it."""
    from training.simulator import run_simulate

    root = tmp_path_factory.mktemp("cities")
    paths = {}
    for name, grids in (("demo", 3), ("springfield", 4)):
        run_simulate(root / name, grids=grids, days=30, seed=1, progress=False)
        paths[name] = root / name / "calls.csv"
    export = pd.read_csv(paths["springfield"]).drop(columns=["phrasing"])
    export.to_csv(paths["springfield"], index=False)
    (root / "springfield" / "intensity.parquet").unlink()
    return paths


def _client():
    from mlflow import MlflowClient

    from training import tracking

    tracking.configure()
    return MlflowClient()


def test_the_data_set_name_depends_on_grids_time_zone_and_source() -> None:
    a = forecast_dataset(["G02", "G01"], "Asia/Shanghai", "simulated")
    assert a == forecast_dataset(["G01", "G02"], "Asia/Shanghai", "simulated")
    assert a != forecast_dataset(["G01", "G02"], "America/Chicago", "simulated")
    assert a != forecast_dataset(["G01", "G03"], "Asia/Shanghai", "simulated")
    assert other_dataset_reason(a, forecast_dataset(["G01", "G02"], "Asia/Shanghai", "records"))
    assert other_dataset_reason(a, a) is None and other_dataset_reason(None, a) is None
    # a champion tagged before the source was part of the identity is still challenged
    assert other_dataset_reason(forecast_dataset(["G01", "G02"], "Asia/Shanghai"), a) is None
    assert "another data set" in other_dataset_reason(a, forecast_dataset(["X"], "UTC"))


def test_triage_identity_is_source_and_label_coding(tmp_path: Path) -> None:
    custom = tmp_path / "map.csv"
    custom.write_text("police_class,category\n10,criminal\n", encoding="utf-8")
    national = triage_dataset("records", None)
    assert national == "records, national label map"
    assert triage_dataset("simulated", None) != national
    assert other_dataset_reason(national, triage_dataset("records", custom))


def test_city_names_map_to_registered_models(tmp_path: Path) -> None:
    assert model_name("forecast") == "forecast" and model_name("triage", "houston") == (
        "triage-houston"
    )
    assert city_of("forecast-houston") == ("forecast", "houston")
    assert city_of("triage") == ("triage", DEMO_CITY) and city_of("serving-fakes") is None
    names = ["forecast-houston", "triage", "forecast", "unrelated", "triage-wuxi"]
    assert known_cities(names) == {
        "demo": ["triage", "forecast"],
        "houston": ["forecast"],
        "wuxi": ["triage"],
    }
    assert valid_city(" Houston ") == "houston"
    with pytest.raises(Exception, match="lower-case letters"):
        valid_city("new york")
    assert default_city(tmp_path / "x" / "calls.csv", "simulated")[0] == DEMO_CITY
    houston = Path("data/houston-2010/offenses.csv.gz")
    assert default_city(houston, "records")[0] == "houston-2010"
    assert default_city(Path("data/wuxi-2025.csv"), "records")[0] == "wuxi-2025"


def test_another_city_gets_its_own_model_and_the_demo_champion_stays(
    jingqing_home: Path, cities: dict[str, Path], capsys: pytest.CaptureFixture
) -> None:
    assert main([*TRAIN, str(cities["demo"]), "--model", "seasonal-naive"]) == 0
    capsys.readouterr()
    # When a city's export is trained without --city, it is named after its folder
    assert main([*TRAIN, str(cities["springfield"]), "--model", "seasonal-naive"]) == 0
    out = capsys.readouterr().out
    assert "model forecast-springfield v1" in out and "promoted to @champion" in out
    client = _client()
    demo = client.get_model_version_by_alias("forecast", "champion")
    assert demo.tags["dataset"].startswith("3 grids") and demo.tags["city"] == "demo"
    other = client.get_model_version_by_alias("forecast-springfield", "champion")
    assert other.tags["dataset"].endswith("records") and other.tags["city"] == "springfield"
    _check_tracked(client, demo, "demo", cities["demo"])
    # and planners get the demo city unless they choose another one
    assert main(["forecast", "--hours", "4", "--output", str(jingqing_home / "d.csv")]) == 0
    assert pd.read_csv(jingqing_home / "d.csv")["grid_id"].nunique() == 3
    argv = ["forecast", "--hours", "4", "--output", str(jingqing_home / "s.csv")]
    assert main([*argv, "--city", "springfield"]) == 0
    assert pd.read_csv(jingqing_home / "s.csv")["grid_id"].nunique() == 4
    # an unknown city is one line naming the cities there are
    assert main([*argv, "--city", "atlantis"]) == 1
    err = capsys.readouterr().err.strip()
    assert "no model forecast-atlantis@champion" in err and "demo, springfield" in err
    assert len(err.splitlines()) == 1


def test_one_citys_own_records_need_no_city_name(
    jingqing_home: Path, cities: dict[str, Path], capsys: pytest.CaptureFixture
) -> None:
    # Given a fresh store, a city's export trained without --city is the default city's
    argv = [*TRAIN, str(cities["springfield"]), "--model", "seasonal-naive"]
    assert main(argv) == 0
    assert "model forecast v1" in capsys.readouterr().out
    # and trained again it goes where its data set went, compared with its champion
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "model forecast v2" in out and "current champion v1 backtest_poisson_deviance" in out
    assert "another data set" not in out


def test_another_data_set_under_the_same_name_is_kept_as_challenger(
    jingqing_home: Path, cities: dict[str, Path], capsys: pytest.CaptureFixture
) -> None:
    assert main([*TRAIN, str(cities["demo"]), "--model", "seasonal-naive"]) == 0
    capsys.readouterr()
    # When another data set is registered under the demo city's name
    argv = [*TRAIN, str(cities["springfield"]), "--model", "seasonal-naive", "--city", "demo"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    # Then it is kept as challenger, whatever its deviance, and the command says why
    assert "kept as @challenger (the champion was trained on another data set" in out
    champion = _client().get_model_version_by_alias("forecast", "champion")
    assert str(champion.version) == "1" and champion.tags["dataset"].startswith("3 grids")


def test_the_forecast_champion_is_rescored_on_the_challengers_folds(
    jingqing_home: Path, cities: dict[str, Path], capsys: pytest.CaptureFixture
) -> None:
    from training.forecast.backtest import fold_cutoffs, run_backtest, summary_table
    from training.forecast.data import load_forecast_data

    # Given a seasonal-naive champion trained on the first 26 days
    calls = pd.read_csv(cities["demo"])
    early = jingqing_home / "demo" / "calls.csv"
    early.parent.mkdir()
    calls[calls["received_at"] < "2025-01-27"].to_csv(early, index=False)
    assert main([*TRAIN, str(early), "--model", "seasonal-naive"]) == 0
    capsys.readouterr()
    stored = float(
        _client()
        .get_model_version_by_alias("forecast", "champion")
        .tags["backtest_poisson_deviance"]
    )
    # When a how-mean challenger is trained on all 30 days
    assert main([*TRAIN, str(cities["demo"]), "--model", "how-mean"]) == 0
    out = capsys.readouterr().out
    # Then the champion's recipe was backtested on the challenger's fold, not its stored score
    panel = load_forecast_data(cities["demo"]).panel
    cutoffs = fold_cutoffs(panel.n_hours, 1, 168)
    expected = summary_table(run_backtest(panel, ["seasonal-naive"], cutoffs, 168))
    value = float(expected.iloc[0]["poisson_deviance"])
    assert value != pytest.approx(stored)
    assert f"current champion v1 backtest_poisson_deviance={value:.4f}" in out
    versions = _client().search_model_versions("name='forecast'")
    run_id = next(v for v in versions if str(v.version) == "2").tags["run_id"]
    import mlflow

    logged = mlflow.get_run(run_id).data.metrics["champion_backtest_poisson_deviance"]
    assert logged == pytest.approx(value)


def test_a_triage_champion_is_only_challenged_by_the_same_label_coding(
    jingqing_home: Path, tmp_path: Path
) -> None:
    import mlflow

    from training import tracking
    from training.triage import yardstick

    class Constant(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input, params=None):
            return model_input

    tracking.configure()
    with mlflow.start_run(experiment_id=tracking.experiment_id("triage")):
        uri = mlflow.pyfunc.log_model(name="m", python_model=Constant()).model_uri
    national = triage_dataset("records", None)
    first = tracking.register_and_promote(
        uri, "triage-wuxi", "holdout_macro_f1", 0.5, higher_is_better=True, allow_tie=True,
        dataset=national,
    )  # fmt: skip
    assert first.alias == "champion"
    # Given a champion of the national label coding, when a model of another coding comes
    custom = tmp_path / "map.csv"
    custom.write_text("police_class,category\n10,criminal\n", encoding="utf-8")
    other = triage_dataset("records", custom)
    records = pd.DataFrame({"text": ["某某路有人打架"], "category": ["public_order"]})
    value, note = yardstick.rescore_champion("triage-wuxi", records, other)
    # Then the champion is not re-scored on its records, and the newcomer stays challenger
    assert value is None and "another data set" in note
    second = tracking.register_and_promote(
        uri, "triage-wuxi", "holdout_macro_f1", 0.9, higher_is_better=True, allow_tie=True,
        champion_value=value, rescored=True, dataset=other,
    )  # fmt: skip
    assert second.alias == "challenger" and "another data set" in second.blocked
    assert "not scored on the same data" in second.summary()


def _check_tracked(client, version, city: str, calls: Path) -> None:
    """The run of a registered forecast: a name that says what it is, the whole job inside
    it, tags, the calls logged as its input, descriptions in the registry."""
    from training.tracking import git_commit

    run = client.get_run(version.run_id)
    assert run.info.run_name.startswith(f"forecast-seasonal-naive-{city}-")
    tags = run.data.tags
    assert tags["jingqing.city"] == city and tags["jingqing.model"] == "seasonal-naive"
    assert int(tags["jingqing.data_rows"]) > 200
    assert tags.get("mlflow.source.git.commit") == git_commit()
    # the run was open for the backtest and the final fit, not only for the logging
    folds = client.get_metric_history(run.info.run_id, "fold_seconds")
    took = (run.info.end_time - run.info.start_time) / 1000
    assert took >= sum(m.value for m in folds) + run.data.metrics["fit_seconds"]
    (given,) = run.inputs.dataset_inputs
    assert given.dataset.name == f"calls-{city}" and str(calls) in given.dataset.source
    assert len(given.dataset.digest) > 8
    assert city in client.get_registered_model(version.name).description
    assert f"calls of {calls}" in version.description
