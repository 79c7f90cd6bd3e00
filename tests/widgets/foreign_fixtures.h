#pragma once
// The foreign ViT fixtures of tests/core/test_foreign_models.cpp for the window tests: the same
// Python script (Debian's python3-torch / python3-torchvision) writes, into one folder, a tiny
// CIFAR-10 folder (cifar/), timm/vit.safetensors (no config: heads unknown), hf/ (a Hugging Face
// folder with config.json and preprocessor_config.json), ... and reference.safetensors (the
// images, labels and each model's logits as Python computes them).
// Usage:
//   const QString skip = testing::writeForeignFixtures(dir);   // empty when written
//   if (!skip.isEmpty()) QSKIP(qPrintable(skip));
#include "../core/foreign_fixtures_py.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

namespace tleg::testing {

/// A python3 that imports torch and torchvision (Debian's first); empty when there is none.
inline QString findTorchPython()
{
    QStringList candidates = {"/usr/bin/python3", "/usr/local/bin/python3",
                              QStandardPaths::findExecutable("python3")};
    for (const QString& python : candidates) {
        if (python.isEmpty() || !QFile::exists(python))
            continue;
        QProcess p;
        p.start(python, {"-c", "import torch, torchvision"});
        if (p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit
            && p.exitCode() == 0)
            return python;
    }
    return {};
}

/// Writes the fixtures into dir (which exists); returns why they are missing, empty when written.
inline QString writeForeignFixtures(const QString& dir)
{
    const QString python = findTorchPython();
    if (python.isEmpty())
        return "no python3 with torch and torchvision (Debian: python3-torch, "
               "python3-torchvision)";
    const QString script = dir + "/fixtures.py";
    QFile f(script);
    if (!f.open(QIODevice::WriteOnly))
        return "cannot write " + script;
    f.write(kForeignFixturesPy);
    f.close();
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(python, {script, "write", dir});
    if (!p.waitForFinished(600000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return "the fixture script failed: " + QString::fromLocal8Bit(p.readAll());
    return {};
}

} // namespace tleg::testing
