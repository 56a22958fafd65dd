"""The package builds as a wheel with the standard tooling (pip and setuptools, offline), and the wheel alone
imports: pure Python, the standard library only."""

import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def builder() -> str | None:
    """An interpreter with setuptools and wheel importable: this one, or Debian's (python3-setuptools, python3-wheel)."""
    for candidate in (sys.executable, "/usr/bin/python3"):
        if shutil.which(candidate) or Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import setuptools, wheel, pip"], capture_output=True)
            if probe.returncode == 0:
                return candidate
    return None


@unittest.skipUnless(builder(), "needs setuptools, wheel and pip (Debian: python3-setuptools python3-wheel python3-pip)")
class PackagingTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = Path(tempfile.mkdtemp(prefix="persistence-client-wheel-"))
        # Built from a copy, so the build leaves nothing in the checkout.
        source = cls.work / "source"
        shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__"))
        build = subprocess.run(
            [builder(), "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(cls.work / "dist"), str(source)],
            capture_output=True, text=True, timeout=300)
        if build.returncode != 0:
            raise AssertionError(f"pip wheel failed:\n{build.stdout}\n{build.stderr}")
        cls.wheel = next((cls.work / "dist").glob("persistence_client-*.whl"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def test_the_wheel_is_pure_python_for_3_11_with_no_dependencies(self):
        self.assertTrue(self.wheel.name.endswith("-py3-none-any.whl"), self.wheel.name)
        with zipfile.ZipFile(self.wheel) as wheel:
            names = wheel.namelist()
            metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        self.assertIn("persistence_client/writer.py", names)
        self.assertIn("persistence_client/py.typed", names)
        self.assertIn("Requires-Python: >=3.11", metadata)
        self.assertNotIn("Requires-Dist", metadata)
        self.assertFalse([n for n in names if n.startswith("tests/") or n.startswith("samples/")])

    def test_the_wheel_alone_imports_the_client(self):
        run = subprocess.run(
            [sys.executable, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); import persistence_client as p; "
             "print(p.__file__, p.__version__, p.PersistenceWriter.__name__)", str(self.wheel)],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertIn(str(self.wheel), run.stdout)
        self.assertIn("1.0.0 PersistenceWriter", run.stdout)


if __name__ == "__main__":
    unittest.main()
