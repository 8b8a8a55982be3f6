"""End to end: `jingqing train triage` on a city's own records (the hand-written records
set's "city" half standing in for an export), with MLflow in a temporary project home."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from training.cli import main

# Small and quick: the behaviour under test is the path, not the model's quality.
FAST_OWN = """\
prior_rows: 400
prior_stacking: [[1.0, 8.0]]
prior_log_proba: [8.0]
own_cv_folds: 2
augment_copies: 0
cv_folds: 2
word_max_features: 5000
char_max_features: 8000
"""


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The city half of the records set as a calls CSV with Chinese column names, coded
    by the national classification only (the default map gives the labels)."""
    from training.evalset import load_records

    city = load_records(split="city")
    out = tmp_path_factory.mktemp("export") / "export.csv"
    pd.DataFrame(
        {
            "警情编号": city["id"],
            "报警时间": city["received_at"].astype(str),
            "报警内容": city["text"],
            "警情类别": city["police_class"],
            "警情类型": city["police_type"],
            "urgent": city["urgent"],
        }
    ).to_csv(out, index=False, encoding="utf-8")
    return out


MAPS = [
    *("--map", "call_id=警情编号", "--map", "received_at=报警时间", "--map", "text=报警内容"),
    *("--map", "police_class=警情类别", "--map", "police_type=警情类型"),
]


def _versions():
    from mlflow import MlflowClient

    from training import tracking

    tracking.configure()
    client = MlflowClient()
    return client, client.search_model_versions("name='triage'")


@pytest.mark.slow
def test_own_records_train_with_prior_and_promote_on_their_holdout(
    jingqing_home: Path, export: Path, capsys: pytest.CaptureFixture
) -> None:
    import mlflow

    cfg = jingqing_home / "own.yaml"
    cfg.write_text(FAST_OWN, encoding="utf-8")
    argv = ["train", "triage", "--calls", str(export), *MAPS, "--config", str(cfg)]
    # Given a city's export, when triage is trained on it,
    assert main(argv) == 0
    out = capsys.readouterr().out
    # then it is trained as own records, the way to use the prior is chosen by
    # time-ordered CV and logged, calibration is cross-fitted on the held-out records, and v1 is champion.
    assert "labelled own records" in out and "[prior] prior: chosen" in out
    assert "[calibrate]" in out and "no champion yet" in out
    client, versions = _versions()
    assert [str(v.version) for v in versions] == ["1"]
    run = mlflow.get_run(versions[0].tags["run_id"])
    assert run.data.tags["training_data"] == "own records"
    assert run.data.tags["prior"] in {
        "none",
        "the prior alone",
        "stacked on the prior's logits (scale 1, C 8)",
        "stacked on the prior's log-probabilities (C 8)",
    }
    for key in (
        "prior_ratio",
        "prior_cv_macro_f1_none",
        "prior_cv_macro_f1_prior",
        "prior_cv_macro_f1_stack_s1_c8",
        "prior_cv_macro_f1_logp_c8",
        "holdout_macro_f1",
        "holdout_xfit_ece",
        "holdout_xfit_candidates_coverage",
        "evalset_macro_f1",
        "records_macro_f1",
    ):
        assert key in run.data.metrics, key
    assert len(versions[0].tags["yardstick_sha256"]) == 64

    # When it is trained again without the prior, the champion is re-scored on the same
    # held-out records before the two are compared.
    cfg.write_text(FAST_OWN + "prior: none\n", encoding="utf-8")
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "champion v1 re-scored on the same" in out
    client, versions = _versions()
    assert len(versions) == 2


def test_too_few_own_records_is_one_line_and_no_model(
    jingqing_home: Path, export: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    few = tmp_path / "few.csv"
    pd.read_csv(export).head(60).to_csv(few, index=False)
    # Given 60 records, when training is asked for, then it exits 1 with one line.
    assert main(["train", "triage", "--calls", str(few), *MAPS]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "60 labelled own records" in err[0] and "200" in err[0]
    assert "Traceback" not in err[0]
    _, versions = _versions()
    assert versions == []


def test_a_category_with_too_few_records_is_one_line(
    jingqing_home: Path, export: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from training.evalset import load_records

    frame = pd.read_csv(export)
    category = load_records(split="city")["category"].to_numpy()  # the same rows, in order
    rare = frame[category == "dispute"].index[3:]
    thin = tmp_path / "thin.csv"
    frame.drop(index=rare).to_csv(thin, index=False)
    assert main(["train", "triage", "--calls", str(thin), *MAPS]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "too few records per category" in err[0] and "dispute" in err[0]


def test_prior_folds_validate_on_the_later_half_with_every_category_in_training():
    # Given 200 records in time order, when the prior's CV folds are cut, then every fold
    # validates a later block on everything before it, the blocks cover the second half,
    # and a fold whose training part lacks a category is left out.
    import numpy as np

    from training.triage.own import time_folds

    y = np.array(["a", "b"] * 100, dtype=object)
    folds = time_folds(y, 4, min_per_class=5)
    assert [len(tr) for tr, _ in folds] == [100, 125, 150, 175]
    assert np.concatenate([va for _, va in folds]).tolist() == list(range(100, 200))
    assert all(tr.max() < va.min() for tr, va in folds)
    late = np.array(["a"] * 120 + ["b"] * 80, dtype=object)  # "b" first seen at record 120
    assert [len(tr) for tr, _ in time_folds(late, 4, min_per_class=5)] == [125, 150, 175]
    assert len(time_folds(np.array(["a"] * 199 + ["b"], dtype=object), 2, 5)) == 2  # none left


@pytest.mark.parametrize("kind", ["linear_svm", "logreg"])
def test_the_stacked_own_model_collapses_into_one_equal_linear_model(kind: str):
    # Given a prior (the calibrated SVM or a logistic regression) fitted on one set of rows
    # and an own model stacked on its margins, when the pair is collapsed, then the one
    # logistic regression gives the same probabilities as the two-step model on new rows
    # (binary and multi-class priors alike).
    import numpy as np
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    from training.triage.config import TriageConfig
    from training.triage.stacked import Stacking, _stack, fit_on_prior, fit_prior

    rng = np.random.default_rng(0)
    X = sp.random(300, 40, density=0.2, random_state=1, format="csr")  # noqa: N806
    cfg = TriageConfig(logreg_c=1.0)
    for n_prior_classes in (2, 3):
        y_prior = rng.integers(n_prior_classes, size=200).astype(str)
        y_own = rng.integers(3, size=100).astype(str)
        prior = fit_prior(X[:200], y_prior, cfg, kind)
        how = Stacking(scale=2.0, c=4.0)
        one = fit_on_prior(prior, X[200:], y_own, how)

        # The prior's margins, recomputed from its parts: the SVMs of its calibration
        # ensemble averaged, or the regression's own decision function.
        def margins(rows, prior=prior):
            if kind == "logreg":
                d = prior.decision_function(rows)
            else:
                d = np.mean(
                    [c.estimator.decision_function(rows) for c in prior.calibrated_classifiers_],
                    axis=0,
                )
            return d.reshape(-1, 1) if d.ndim == 1 else d

        two = LogisticRegression(C=how.c, max_iter=1000, tol=1e-4)
        two.fit(_stack(X[200:], margins(X[200:]), how.scale), y_own)
        new = X[:50]
        want = two.predict_proba(_stack(new, margins(new), how.scale))
        assert type(one) is LogisticRegression and one.coef_.shape == (3, 40)
        assert np.allclose(one.predict_proba(new), want, atol=1e-6)


def test_the_own_model_beside_the_priors_log_probabilities_scores_as_its_two_steps():
    # Given the calibrated SVM prior and an own model fitted beside its log-probabilities,
    # when new rows are scored, then the probabilities are the own regression's on [rows,
    # log prior probabilities], the classes are the own records', and the prior is untouched.
    import numpy as np
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    from training.triage.config import TriageConfig
    from training.triage.stacked import OnLogProba, fit_on_log_proba, fit_prior

    rng = np.random.default_rng(0)
    X = sp.random(300, 40, density=0.2, random_state=2, format="csr")  # noqa: N806
    y_prior = rng.integers(3, size=200).astype(str)
    y_own = rng.choice(["0", "1", "3"], size=100)  # a class the prior never saw
    prior = fit_prior(X[:200], y_prior, TriageConfig(), "linear_svm")
    before = prior.predict_proba(X[:50])
    one = fit_on_log_proba(prior, X[200:], y_own, OnLogProba(c=4.0))

    def inputs(rows):
        return sp.hstack([rows, np.log(np.clip(prior.predict_proba(rows), 1e-6, 1))]).tocsr()

    two = LogisticRegression(C=4.0, max_iter=1000, tol=1e-3).fit(inputs(X[200:]), y_own)
    assert list(one.classes_) == ["0", "1", "3"] and not hasattr(one, "coef_")
    assert np.allclose(one.predict_proba(X[:50]), two.predict_proba(inputs(X[:50])), atol=1e-8)
    assert (one.predict(X[:50]) == two.predict(inputs(X[:50]))).all()
    assert np.array_equal(prior.predict_proba(X[:50]), before)


def test_the_prior_cv_tries_none_the_prior_alone_and_stacking():
    # Given 200 records of the records set's city half and a small prior, when the way to
    # use the prior is chosen, then "none", "the prior alone" and every configured stacking
    # are scored on the time folds, and the choice is the best-scoring one.
    from training.evalset import load_records
    from training.triage.config import TriageConfig
    from training.triage.own import choose_prior, synthetic_prior

    cfg = TriageConfig(
        prior_rows=300, word_max_features=3000, char_max_features=5000, own_cv_folds=2
    )
    own = load_records(split="city").head(200)
    choice = choose_prior(own, synthetic_prior(300, 0), cfg, progress=lambda _: None)
    stacked = [f"{way}{c:g}" for way in ("stack_s1_c", "logp_c") for c in (2, 8, 32)]
    assert set(choice.scores) == {"none", "prior", *stacked}
    best = max(s["macro_f1"] for s in choice.scores.values())
    assert choice.scores[choice.name]["macro_f1"] == best and choice.folds == 2
    assert choice.how == {"none": None, "prior": "prior"}.get(choice.name, choice.how)


def test_a_model_beside_the_priors_log_probabilities_scores_and_pickles():
    # Given a triage model whose category classifier is the own model beside the SVM
    # prior's log-probabilities (as with_prior builds it), when texts are scored before and
    # after a pickle round trip, then the raw probabilities are the classifier's own and
    # the keywords come from a linear stand-in (the pair has no coefficients of its own).
    import pickle

    import numpy as np

    from training.evalset import load_records
    from training.triage.config import TriageConfig
    from training.triage.fit import fit_triage
    from training.triage.own import _classifier_fit, prior_weights, synthetic_prior
    from training.triage.stacked import LogProbaStacked, OnLogProba

    cfg = TriageConfig(
        candidates=("logreg",),
        group_column="",
        cv_folds=2,
        augment_copies=0,
        word_max_features=3000,
        char_max_features=5000,
    )
    own = load_records(split="city").head(200).reset_index(drop=True)
    prior = synthetic_prior(300, 0)
    rows = pd.concat([own, prior], ignore_index=True)
    is_prior = np.arange(len(rows)) >= len(own)
    fit = _classifier_fit(OnLogProba(c=8.0), is_prior, cfg)
    weights = prior_weights(len(own), len(prior), cfg.prior_head_ratio)
    model = fit_triage(rows, cfg, weights=weights, progress=lambda _: None, fit_classifier=fit)
    model = model.model
    clf = model.category.named_steps["clf"]
    assert isinstance(clf, LogProbaStacked) and model.keyword_weights.shape[0] == 5
    texts = load_records(split="holdout")["text"].head(20).tolist()
    got = model.score(texts)
    want = model.category.predict_proba(texts)
    assert np.allclose(got["proba_raw"], want, atol=1e-6)
    again = pickle.loads(pickle.dumps(model)).score(texts)
    assert np.allclose(again["proba_raw"], want, atol=1e-6)
    assert (again["category"] == got["category"]).all()
