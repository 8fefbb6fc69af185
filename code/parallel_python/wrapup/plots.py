"""The wrap-up's decision guide, drawn as a flowchart in the house style."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from ..core.style import COLORS, house_style, new_figure

#: (what limits the program, what to reach for, where the book treats it)
BRANCHES = (
    (
        "It mostly waits\n(network, disk,\ndatabase)",
        "threads\n(ThreadPoolExecutor)\nor asyncio",
        "Going further:\nthreads and asyncio",
    ),
    (
        "Heavy NumPy\nlinear algebra\n(a @ b, np.linalg)",
        "BLAS threads:\nalready there; set\nhow many with\nthreadpoolctl",
        "Part A",
    ),
    (
        "Pure-Python\ncomputation\n(loops over numbers)",
        "processes\n(multiprocessing,\njoblib), numba, or\nfree-threaded Python",
        "Part B;\nGoing further",
    ),
    (
        "Bigger than memory,\nor more than\none machine",
        "dask (chunks,\nclusters) or\nMPI (mpi4py)",
        "Going further:\ndask, MPI",
    ),
)


def _box(ax, x, y, w, h, text, face, edge, size=10.5, weight="normal"):
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.08",
            facecolor=face,
            edgecolor=edge,
            linewidth=1.5,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=size, weight=weight)


def _arrow(ax, start, end):
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": COLORS["serial"], "lw": 1.2},
    )


def plot_decision_guide() -> Figure:
    """Which tool for which kind of work: a flowchart with four branches."""
    fig = new_figure(1, width=9.0, height=6.6)
    (ax,) = fig.axes
    with house_style():
        ax.set_xlim(0, 10)
        ax.set_ylim(0.6, 10)
        ax.axis("off")
        _box(
            ax,
            5,
            9.3,
            4.4,
            0.9,
            "What limits your program?",
            "#f2f2f2",
            COLORS["serial"],
            size=11,
            weight="bold",
        )
        n = len(BRANCHES)
        width = 10 / n
        for i, (need, tool, where) in enumerate(BRANCHES):
            x = width * (i + 0.5)
            _arrow(ax, (5, 8.82), (x, 7.75))
            _box(ax, x, 7.05, width - 0.2, 1.35, need, "#ffffff", COLORS["serial"])
            _arrow(ax, (x, 6.36), (x, 5.75))
            colour = COLORS["processes"] if i == 2 else COLORS["threads"]
            _box(ax, x, 4.75, width - 0.25, 1.6, tool, "#eaf3fa", colour)
            ax.text(
                x,
                3.65,
                where,
                ha="center",
                va="top",
                fontsize=10,
                style="italic",
                color="#444444",
                wrap=True,
            )
        _box(
            ax,
            5,
            1.6,
            9.2,
            1.5,
            "Blending processes and threads (Part C): keep processes × threads per\n"
            "process at or below the CPUs you may use, or they take turns and\n"
            "everything slows down (oversubscription).",
            "#fdf1e6",
            COLORS["processes"],
            size=9,
        )
    return fig
