"""arXiv category codes and their names: ``cs.CL`` <-> ``Computation and Language``.

The names are what OAI ``oai_dc`` puts in ``dc:subject`` and what pages show beside codes.

Names follow arXiv's taxonomy (arxiv-base ``arxiv/taxonomy/definitions.py``). ``oai_dc``
has spelt them both bare (``Computation and Language``) and with the group in front
(``Computer Science - Computation and Language``); :func:`category_for_name` reads both.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

_BY_GROUP: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "Computer Science": MappingProxyType({
        "Artificial Intelligence": "cs.AI", "Hardware Architecture": "cs.AR",
        "Computational Complexity": "cs.CC", "Computational Engineering, Finance, and Science": "cs.CE",
        "Computational Geometry": "cs.CG", "Computation and Language": "cs.CL",
        "Cryptography and Security": "cs.CR", "Computer Vision and Pattern Recognition": "cs.CV",
        "Computers and Society": "cs.CY", "Databases": "cs.DB",
        "Distributed, Parallel, and Cluster Computing": "cs.DC", "Digital Libraries": "cs.DL",
        "Discrete Mathematics": "cs.DM", "Data Structures and Algorithms": "cs.DS",
        "Emerging Technologies": "cs.ET", "Formal Languages and Automata Theory": "cs.FL",
        "General Literature": "cs.GL", "Graphics": "cs.GR", "Computer Science and Game Theory": "cs.GT",
        "Human-Computer Interaction": "cs.HC", "Information Retrieval": "cs.IR",
        "Information Theory": "cs.IT", "Machine Learning": "cs.LG", "Logic in Computer Science": "cs.LO",
        "Multiagent Systems": "cs.MA", "Multimedia": "cs.MM", "Mathematical Software": "cs.MS",
        "Numerical Analysis": "cs.NA", "Neural and Evolutionary Computing": "cs.NE",
        "Networking and Internet Architecture": "cs.NI", "Other Computer Science": "cs.OH",
        "Operating Systems": "cs.OS", "Performance": "cs.PF", "Programming Languages": "cs.PL",
        "Robotics": "cs.RO", "Symbolic Computation": "cs.SC", "Sound": "cs.SD",
        "Software Engineering": "cs.SE", "Social and Information Networks": "cs.SI",
        "Systems and Control": "cs.SY",
    }),
    "Statistics": MappingProxyType({
        "Applications": "stat.AP", "Computation": "stat.CO", "Methodology": "stat.ME",
        "Machine Learning": "stat.ML", "Other Statistics": "stat.OT", "Statistics Theory": "math.ST",
    }),
    "Electrical Engineering and Systems Science": MappingProxyType({
        "Audio and Speech Processing": "eess.AS", "Image and Video Processing": "eess.IV",
        "Signal Processing": "eess.SP", "Systems and Control": "eess.SY",
    }),
    "Economics": MappingProxyType({
        "Econometrics": "econ.EM", "General Economics": "econ.GN", "Theoretical Economics": "econ.TH",
    }),
    "Quantitative Biology": MappingProxyType({
        "Biomolecules": "q-bio.BM", "Cell Behavior": "q-bio.CB", "Genomics": "q-bio.GN",
        "Molecular Networks": "q-bio.MN", "Neurons and Cognition": "q-bio.NC",
        "Other Quantitative Biology": "q-bio.OT", "Populations and Evolution": "q-bio.PE",
        "Quantitative Methods": "q-bio.QM", "Subcellular Processes": "q-bio.SC", "Tissues and Organs": "q-bio.TO",
    }),
    "Quantitative Finance": MappingProxyType({
        "Computational Finance": "q-fin.CP", "Economics": "q-fin.EC", "General Finance": "q-fin.GN",
        "Mathematical Finance": "q-fin.MF", "Portfolio Management": "q-fin.PM",
        "Pricing of Securities": "q-fin.PR", "Risk Management": "q-fin.RM",
        "Statistical Finance": "q-fin.ST", "Trading and Market Microstructure": "q-fin.TR",
    }),
    "Mathematics": MappingProxyType({
        "Commutative Algebra": "math.AC", "Algebraic Geometry": "math.AG", "Analysis of PDEs": "math.AP",
        "Algebraic Topology": "math.AT", "Classical Analysis and ODEs": "math.CA", "Combinatorics": "math.CO",
        "Category Theory": "math.CT", "Complex Variables": "math.CV", "Differential Geometry": "math.DG",
        "Dynamical Systems": "math.DS", "Functional Analysis": "math.FA", "General Mathematics": "math.GM",
        "General Topology": "math.GN", "Group Theory": "math.GR", "Geometric Topology": "math.GT",
        "History and Overview": "math.HO", "Information Theory": "math.IT", "K-Theory and Homology": "math.KT",
        "Logic": "math.LO", "Metric Geometry": "math.MG", "Mathematical Physics": "math-ph",
        "Numerical Analysis": "math.NA", "Number Theory": "math.NT", "Operator Algebras": "math.OA",
        "Optimization and Control": "math.OC", "Probability": "math.PR", "Quantum Algebra": "math.QA",
        "Rings and Algebras": "math.RA", "Representation Theory": "math.RT", "Symplectic Geometry": "math.SG",
        "Spectral Theory": "math.SP", "Statistics Theory": "math.ST",
    }),
    "Physics": MappingProxyType({
        "Astrophysics": "astro-ph", "Cosmology and Nongalactic Astrophysics": "astro-ph.CO",
        "Earth and Planetary Astrophysics": "astro-ph.EP", "Astrophysics of Galaxies": "astro-ph.GA",
        "High Energy Astrophysical Phenomena": "astro-ph.HE",
        "Instrumentation and Methods for Astrophysics": "astro-ph.IM",
        "Solar and Stellar Astrophysics": "astro-ph.SR",
        "Condensed Matter": "cond-mat", "Disordered Systems and Neural Networks": "cond-mat.dis-nn",
        "Mesoscale and Nanoscale Physics": "cond-mat.mes-hall", "Materials Science": "cond-mat.mtrl-sci",
        "Other Condensed Matter": "cond-mat.other", "Quantum Gases": "cond-mat.quant-gas",
        "Soft Condensed Matter": "cond-mat.soft", "Statistical Mechanics": "cond-mat.stat-mech",
        "Strongly Correlated Electrons": "cond-mat.str-el", "Superconductivity": "cond-mat.supr-con",
        "General Relativity and Quantum Cosmology": "gr-qc",
        "High Energy Physics - Experiment": "hep-ex", "High Energy Physics - Lattice": "hep-lat",
        "High Energy Physics - Phenomenology": "hep-ph", "High Energy Physics - Theory": "hep-th",
        "Mathematical Physics": "math-ph", "Nuclear Experiment": "nucl-ex", "Nuclear Theory": "nucl-th",
        "Quantum Physics": "quant-ph",
        "Adaptation and Self-Organizing Systems": "nlin.AO", "Chaotic Dynamics": "nlin.CD",
        "Cellular Automata and Lattice Gases": "nlin.CG", "Pattern Formation and Solitons": "nlin.PS",
        "Exactly Solvable and Integrable Systems": "nlin.SI",
        "Accelerator Physics": "physics.acc-ph", "Atmospheric and Oceanic Physics": "physics.ao-ph",
        "Applied Physics": "physics.app-ph", "Atomic and Molecular Clusters": "physics.atm-clus",
        "Atomic Physics": "physics.atom-ph", "Biological Physics": "physics.bio-ph",
        "Chemical Physics": "physics.chem-ph", "Classical Physics": "physics.class-ph",
        "Computational Physics": "physics.comp-ph", "Data Analysis, Statistics and Probability": "physics.data-an",
        "Physics Education": "physics.ed-ph", "Fluid Dynamics": "physics.flu-dyn",
        "General Physics": "physics.gen-ph", "Geophysics": "physics.geo-ph",
        "History and Philosophy of Physics": "physics.hist-ph", "Instrumentation and Detectors": "physics.ins-det",
        "Medical Physics": "physics.med-ph", "Optics": "physics.optics", "Plasma Physics": "physics.plasm-ph",
        "Popular Physics": "physics.pop-ph", "Physics and Society": "physics.soc-ph",
        "Space Physics": "physics.space-ph",
    }),
})


def _bare_names() -> Mapping[str, str]:
    # A bare name maps only when one code answers to it ("Machine Learning" is cs.LG or stat.ML).
    codes_by_name: dict[str, set[str]] = {}
    for names in _BY_GROUP.values():
        for name, code in names.items():
            codes_by_name.setdefault(name, set()).add(code)
    return MappingProxyType({name: codes.pop() for name, codes in codes_by_name.items() if len(codes) == 1})


_BY_BARE_NAME = _bare_names()
# Old oai_dc wrote the archive, not the group, in front: "Physics - Optics", "Nonlinear Sciences - ...".
_GROUP_ALIASES = MappingProxyType({
    "Nonlinear Sciences": "Physics", "Condensed Matter": "Physics", "Astrophysics": "Physics",
})


def category_for_name(subject: str) -> str | None:
    """``Computer Science - Machine Learning`` -> ``cs.LG``; None when the name is not known."""
    subject = " ".join(subject.split())
    if subject in _BY_BARE_NAME:
        return _BY_BARE_NAME[subject]
    group, separator, name = subject.partition(" - ")
    if not separator:
        return None
    names = _BY_GROUP.get(_GROUP_ALIASES.get(group, group))
    if names and name in names:
        return names[name]
    return _BY_BARE_NAME.get(name)


# Archives that are categories by themselves (no subject class after a dot).
_ARCHIVE_NAMES: Mapping[str, str] = MappingProxyType({
    "astro-ph": "Astrophysics", "cond-mat": "Condensed Matter",
    "gr-qc": "General Relativity and Quantum Cosmology", "hep-ex": "High Energy Physics - Experiment",
    "hep-lat": "High Energy Physics - Lattice", "hep-ph": "High Energy Physics - Phenomenology",
    "hep-th": "High Energy Physics - Theory", "math-ph": "Mathematical Physics", "nlin": "Nonlinear Sciences",
    "nucl-ex": "Nuclear Experiment", "nucl-th": "Nuclear Theory", "quant-ph": "Quantum Physics",
})
_NAME_BY_CODE: Mapping[str, str] = MappingProxyType(
    {code: name for names in _BY_GROUP.values() for name, code in names.items()} | dict(_ARCHIVE_NAMES)
)


def category_name(code: str) -> str | None:
    """``cs.CL`` -> ``Computation and Language``; None for a code arXiv's taxonomy lacks."""
    return _NAME_BY_CODE.get(code)
