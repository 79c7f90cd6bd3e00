<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Data</name>
    <message>
        <source>there is no train/ folder: a seeded 20% of the images is the test split</source>
        <translation>Es gibt keinen Ordner train/: 20 % der Bilder (mit festem Seed gewählt) bilden die Testdaten.</translation>
    </message>
</context>
<context>
    <name>Experiments</name>
    <message>
        <source>Des-Nets of many depths from one learngene vs scratch</source>
        <translation>Des-Nets vieler Tiefen aus einem Learngene gegen Training von Grund auf</translation>
    </message>
    <message>
        <source>Table 1</source>
        <translation>Tabelle 1</translation>
    </message>
    <message>
        <source>One learngene is expanded into Des-Nets of several depths and each is fine-tuned briefly; each depth is also trained from scratch with the same budget and with a longer one. Accuracy against depth and the total training cost of both routes.</source>
        <translation>Ein Learngene wird zu Des-Nets mehrerer Tiefen erweitert, die jeweils kurz feinabgestimmt werden; jede Tiefe wird außerdem von Grund auf trainiert, mit demselben und mit einem längeren Budget. Genauigkeit über der Tiefe und die gesamten Trainingskosten beider Wege.</translation>
    </message>
    <message>
        <source>Transfer to new classes against the baselines</source>
        <translation>Übertragung auf neue Klassen im Vergleich mit den Baselines</translation>
    </message>
    <message>
        <source>Table 2</source>
        <translation>Tabelle 2</translation>
    </message>
    <message>
        <source>Learngene, Share-Init and Pre-Fin(U) are trained on the source classes; Des-Nets initialised by Scratch, Pre-Fin(U), He-LG, Share-Init and TLEG are trained on the target classes with a limited label budget. Top-1 and S-Params for each.</source>
        <translation>Learngene, Share-Init und Pre-Fin(U) werden auf den Quellklassen trainiert; Des-Nets, initialisiert mit Scratch, Pre-Fin(U), He-LG, Share-Init und TLEG, werden mit begrenztem Label-Budget auf den Zielklassen trainiert. Top-1 und S-Params für jedes.</translation>
    </message>
    <message>
        <source>Parameters stored to initialise many depths</source>
        <translation>Gespeicherte Parameter zur Initialisierung vieler Tiefen</translation>
    </message>
    <message>
        <source>Table 3</source>
        <translation>Tabelle 3</translation>
    </message>
    <message>
        <source>Des-Nets of several depths on the target classes, initialised either from one pretrained model per depth (Pre-Fin(U)) or from one learngene: stored parameters, pretraining cost and accuracy.</source>
        <translation>Des-Nets mehrerer Tiefen auf den Zielklassen, initialisiert entweder aus einem vortrainierten Modell pro Tiefe (Pre-Fin(U)) oder aus einem Learngene: gespeicherte Parameter, Vortrainingskosten und Genauigkeit.</translation>
    </message>
    <message>
        <source>Which modules to expand</source>
        <translation>Welche Module erweitert werden</translation>
    </message>
    <message>
        <source>Table 4</source>
        <translation>Tabelle 4</translation>
    </message>
    <message>
        <source>Learngenes that expand MSA, MLP, MSA+MLP or MSA+MLP+LN (the rest per-layer in the Aux-Net and random in the Des-Net), against Pre-Fin(U), on the target classes.</source>
        <translation>Learngenes, die MSA, MLP, MSA+MLP oder MSA+MLP+LN erweitern (der Rest ist im Aux-Net je Schicht eigen und im Des-Net zufällig), im Vergleich mit Pre-Fin(U) auf den Zielklassen.</translation>
    </message>
    <message>
        <source>Initialising part of a Des-Net</source>
        <translation>Einen Teil eines Des-Net initialisieren</translation>
    </message>
    <message>
        <source>Table 5</source>
        <translation>Tabelle 5</translation>
    </message>
    <message>
        <source>Only the first half, only the second half, or all blocks of the Des-Net come from the learngene; the rest starts random.</source>
        <translation>Nur die erste Hälfte, nur die zweite Hälfte oder alle Blöcke des Des-Net stammen aus dem Learngene; der Rest beginnt zufällig.</translation>
    </message>
    <message>
        <source>Expanding part of the Aux-Net</source>
        <translation>Einen Teil des Aux-Net erweitern</translation>
    </message>
    <message>
        <source>Table 6</source>
        <translation>Tabelle 6</translation>
    </message>
    <message>
        <source>The Aux-Net&apos;s lowest blocks are independent and only the upper ones are linearly expanded, against expanding all blocks.</source>
        <translation>Die untersten Blöcke des Aux-Net sind unabhängig und nur die oberen werden linear erweitert, im Vergleich mit der Erweiterung aller Blöcke.</translation>
    </message>
    <message>
        <source>Do weights change linearly with depth?</source>
        <translation>Ändern sich die Gewichte linear mit der Tiefe?</translation>
    </message>
    <message>
        <source>Fig. 1</source>
        <translation>Abb. 1</translation>
    </message>
    <message>
        <source>PCA of per-layer weights for an ancestry trained from scratch, the Aux-Net, fine-tuned Des-Nets and models trained from scratch: R² of PC1 against depth per parameter kind.</source>
        <translation>PCA der Gewichte je Schicht für ein von Grund auf trainiertes Vorfahrenmodell, das Aux-Net, feinabgestimmte Des-Nets und von Grund auf trainierte Modelle: R² von PC1 über der Tiefe je Parameterart.</translation>
    </message>
</context>
<context>
    <name>LinearityPlots</name>
    <message>
        <source>whole block</source>
        <translation>ganzer Block</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message>
        <source>PC1 score</source>
        <translation>PC1-Wert</translation>
    </message>
    <message>
        <source>%1: fit, R² = %2</source>
        <translation>%1: Anpassung, R² = %2</translation>
    </message>
    <message>
        <source>PC2 score</source>
        <translation>PC2-Wert</translation>
    </message>
    <message>
        <source>first layer</source>
        <translation>erste Schicht</translation>
    </message>
    <message>
        <source>last layer</source>
        <translation>letzte Schicht</translation>
    </message>
    <message>
        <source>R²</source>
        <translation>R²</translation>
    </message>
    <message>
        <source>R² of PC1 against depth</source>
        <translation>R² von PC1 über der Tiefe</translation>
    </message>
    <message>
        <source>%1, %2: R² = %3</source>
        <translation>%1, %2: R² = %3</translation>
    </message>
    <message>
        <source>explained variance</source>
        <translation>erklärte Varianz</translation>
    </message>
    <message>
        <source>PC1</source>
        <translation>PC1</translation>
    </message>
    <message>
        <source>PC2</source>
        <translation>PC2</translation>
    </message>
    <message>
        <source>PC3 and later</source>
        <translation>PC3 und folgende</translation>
    </message>
    <message>
        <source>principal component</source>
        <translation>Hauptkomponente</translation>
    </message>
    <message>
        <source>explained variance (%)</source>
        <translation>erklärte Varianz (%)</translation>
    </message>
    <message>
        <source>principal components of %1 in %2</source>
        <translation>Hauptkomponenten von %1 in %2</translation>
    </message>
    <message>
        <source>layer l</source>
        <translation>Schicht l</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Export PNG…</source>
        <translation>PNG exportieren…</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG-Bild (*.png)</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>PDF exportieren…</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV-Tabelle (*.csv)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>Fashion-MNIST could not be loaded (%1). Install Debian&apos;s dataset-fashion-mnist package or open a dataset on the Data page.</source>
        <translation>Fashion-MNIST konnte nicht geladen werden (%1). Installieren Sie das Debian-Paket dataset-fashion-mnist oder öffnen Sie einen Datensatz auf der Seite „Daten“.</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>Gespeichert: %1</translation>
    </message>
    <message>
        <source>Legend</source>
        <translation>Legende</translation>
    </message>
    <message>
        <source>Top left</source>
        <translation>Oben links</translation>
    </message>
    <message>
        <source>Top right</source>
        <translation>Oben rechts</translation>
    </message>
    <message>
        <source>Bottom left</source>
        <translation>Unten links</translation>
    </message>
    <message>
        <source>Bottom right</source>
        <translation>Unten rechts</translation>
    </message>
    <message>
        <source>Automatic (where it covers least)</source>
        <translation>Automatisch (wo sie am wenigsten verdeckt)</translation>
    </message>
    <message>
        <source>Hidden</source>
        <translation>Ausgeblendet</translation>
    </message>
    <message>
        <source>%1 is gone; not opened.</source>
        <translation>%1 ist nicht mehr da; nicht geöffnet.</translation>
    </message>
</context>
<context>
    <name>tleg::gui::AncestryForm</name>
    <message>
        <source>depth %1, width %2, %3 heads, patch %4, %5×%5×%6 input, %7 classes, %8 pooling</source>
        <translation>Tiefe %1, Breite %2, %3 Köpfe, Patch %4, Eingabe %5×%5×%6, %7 Klassen, %8-Pooling</translation>
    </message>
    <message>
        <source>Train an ancestry</source>
        <translation>Vorfahrenmodell trainieren</translation>
    </message>
    <message>
        <source> epochs</source>
        <translation> Epochen</translation>
    </message>
    <message>
        <source>random crop and flip</source>
        <translation>Zuschneiden und Spiegeln</translation>
    </message>
    <message>
        <source>bfloat16 matmuls (Settings)</source>
        <translation>bfloat16 (Einstellungen)</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>Trainieren</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Architektur</translation>
    </message>
    <message>
        <source>Depth</source>
        <translation>Tiefe</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Epochen</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>Batchgröße</translation>
    </message>
    <message>
        <source>Warm-up</source>
        <translation>Aufwärmphase</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Augmentation</source>
        <translation>Augmentierung</translation>
    </message>
    <message>
        <source>bf16</source>
        <translation>bf16</translation>
    </message>
    <message>
        <source>Open a dataset on the Data page first.</source>
        <translation>Öffnen Sie zuerst einen Datensatz auf der Seite „Daten“.</translation>
    </message>
    <message>
        <source>The images must be square, these are %1×%2.</source>
        <translation>Die Bilder müssen quadratisch sein, diese sind %1×%2.</translation>
    </message>
    <message>
        <source>%1 on %2: %3; %4 parameters, %5 MACs per image</source>
        <translation>%1 auf %2: %3; %4 Parameter, %5 MACs pro Bild</translation>
    </message>
</context>
<context>
    <name>tleg::gui::AncestryPage</name>
    <message>
        <source>TorchScript module (architecture not recorded)</source>
        <translation>TorchScript-Modul (Architektur nicht gespeichert)</translation>
    </message>
    <message>
        <source>no top-1: no dataset is open</source>
        <translation>kein top-1: kein Datensatz geöffnet</translation>
    </message>
    <message>
        <source>evaluating %1 on %2 test images</source>
        <translation>werte %1 auf %2 Testbildern aus</translation>
    </message>
    <message>
        <source>no top-1: the evaluation was stopped</source>
        <translation>kein top-1: Die Auswertung wurde gestoppt</translation>
    </message>
    <message>
        <source>no top-1 on %1: %2</source>
        <translation>kein top-1 auf %1: %2</translation>
    </message>
    <message>
        <source>Ancestry model (the teacher)</source>
        <translation>Vorfahrenmodell (das Lehrermodell)</translation>
    </message>
    <message>
        <source>Load…</source>
        <translation>Laden…</translation>
    </message>
    <message>
        <source>Load an ancestry model</source>
        <translation>Vorfahrenmodell laden</translation>
    </message>
    <message>
        <source>No ancestry model yet: load a model file, or train one below.</source>
        <translation>Noch kein Vorfahrenmodell: Laden Sie eine Modelldatei oder trainieren Sie unten eines.</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>%1% (top-5 %2%) on the %3 test split</source>
        <translation>%1% (top-5 %2%) auf den Testdaten von %3</translation>
    </message>
    <message>
        <source>File: %1
Kind: %2
Architecture: %3
Parameters: %4
MACs per image: %5
Top-1: %6</source>
        <translation>Datei: %1
Art: %2
Architektur: %3
Parameter: %4
MACs pro Bild: %5
Top-1: %6</translation>
    </message>
    <message>
        <source>%1 is running: wait for it or stop it, then load the model again.</source>
        <translation>%1 läuft: Warten Sie das Ende ab oder stoppen Sie den Auftrag und laden Sie das Modell dann erneut.</translation>
    </message>
    <message>
        <source>load ancestry %1</source>
        <translation>Vorfahrenmodell %1 laden</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Lade %1…</translation>
    </message>
    <message>
        <source>%1 is running: wait for it or stop it, then train again.</source>
        <translation>%1 läuft: Warten Sie das Ende ab oder stoppen Sie den Auftrag und trainieren Sie dann erneut.</translation>
    </message>
    <message>
        <source>train %1</source>
        <translation>%1 trainieren</translation>
    </message>
    <message>
        <source>Training into %1…</source>
        <translation>Training nach %1…</translation>
    </message>
    <message>
        <source>Cannot use this model: %1</source>
        <translation>Dieses Modell kann nicht verwendet werden: %1</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>Training fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Failed; see %1.</source>
        <translation>Fehlgeschlagen; siehe %1.</translation>
    </message>
    <message>
        <source>Finished: %1</source>
        <translation>Abgeschlossen: %1</translation>
    </message>
    <message>
        <source>no top-1: %1</source>
        <translation>kein top-1: %1</translation>
    </message>
    <message>
        <source>Failed.</source>
        <translation>Fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Loaded %1.</source>
        <translation>%1 geladen.</translation>
    </message>
    <message numerus="yes">
        <source>Stopped after %n finished epoch(s); the last checkpoint is in %1.</source>
        <translation>
            <numerusform>Nach %n abgeschlossener Epoche gestoppt; der letzte Checkpoint liegt in %1.</numerusform>
            <numerusform>Nach %n abgeschlossenen Epochen gestoppt; der letzte Checkpoint liegt in %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>A TLEG model, a timm, DeiT or torchvision ViT (.safetensors) or any TorchScript classifier (.pt); or drop the file on the page</source>
        <translation>Ein TLEG-Modell, ein ViT von timm, DeiT oder torchvision (.safetensors) oder ein beliebiger TorchScript-Klassifikator (.pt); oder die Datei auf die Seite ziehen</translation>
    </message>
    <message>
        <source>Load folder…</source>
        <translation>Ordner laden…</translation>
    </message>
    <message>
        <source>A Hugging Face model folder (config.json, model.safetensors and preprocessor_config.json); or drop the folder on the page</source>
        <translation>Ein Hugging-Face-Modellordner (config.json, model.safetensors und preprocessor_config.json); oder den Ordner auf die Seite ziehen</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pt *.pth);;TLEG, timm, DeiT, torchvision or Hugging Face (*.safetensors);;TorchScript (*.pt *.pth);;Hugging Face config (config.json preprocessor_config.json);;All files (*)</source>
        <translation>Modelle (*.safetensors *.pt *.pth);;TLEG, timm, DeiT, torchvision oder Hugging Face (*.safetensors);;TorchScript (*.pt *.pth);;Hugging-Face-Konfiguration (config.json preprocessor_config.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Load a Hugging Face model folder</source>
        <translation>Hugging-Face-Modellordner laden</translation>
    </message>
    <message>
        <source>%1, imported from %2</source>
        <translation>%1, importiert aus %2</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Import settings</source>
        <translation>Importeinstellungen</translation>
    </message>
    <message>
        <source>The run goes on, but its tags and notes were not kept: %1</source>
        <translation>Der Lauf geht weiter, aber seine Tags und Notizen wurden nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Finished: %1. It is the teacher now, in place of %2.</source>
        <translation>Fertig: %1. Es ist jetzt das Lehrermodell, an Stelle von %2.</translation>
    </message>
    <message numerus="yes">
        <source>Loaded %1 with its run&apos;s %n epoch(s) (%2).</source>
        <translation>
            <numerusform>%1 mit der %n Epoche seines Laufs geladen (%2).</numerusform>
            <numerusform>%1 mit den %n Epochen seines Laufs geladen (%2).</numerusform>
        </translation>
    </message>
    <message>
        <source>ancestry: test top-1 %1%, top-5 %2% -&gt; %3</source>
        <translation>Vorfahr: Test-Top-1 %1 %, Top-5 %2 % -&gt; %3</translation>
    </message>
</context>
<context>
    <name>tleg::gui::DataPage</name>
    <message>
        <source>Fashion-MNIST</source>
        <translation>Fashion-MNIST</translation>
    </message>
    <message>
        <source>The built-in Fashion-MNIST (60000 train / 10000 test images)</source>
        <translation>Das integrierte Fashion-MNIST (60000 Trainings- / 10000 Testbilder)</translation>
    </message>
    <message>
        <source>Open IDX folder…</source>
        <translation>IDX-Ordner öffnen…</translation>
    </message>
    <message>
        <source>A folder with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] (MNIST family)</source>
        <translation>Ein Ordner mit {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] (MNIST-Familie)</translation>
    </message>
    <message>
        <source>Open CIFAR-10 folder…</source>
        <translation>CIFAR-10-Ordner öffnen…</translation>
    </message>
    <message>
        <source>A folder with data_batch_1.bin … data_batch_5.bin and test_batch.bin</source>
        <translation>Ein Ordner mit data_batch_1.bin … data_batch_5.bin und test_batch.bin</translation>
    </message>
    <message>
        <source>Open image folder…</source>
        <translation>Bildordner öffnen…</translation>
    </message>
    <message>
        <source>train/&lt;class&gt;/&lt;image&gt; and test/&lt;class&gt;/&lt;image&gt;, or one &lt;class&gt;/&lt;image&gt; tree</source>
        <translation>train/&lt;class&gt;/&lt;image&gt; und test/&lt;class&gt;/&lt;image&gt; oder ein einzelner &lt;class&gt;/&lt;image&gt;-Baum</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Image folders are resized to this size</source>
        <translation>Bilder aus Ordnern werden auf diese Größe skaliert</translation>
    </message>
    <message>
        <source>Grey</source>
        <translation>Grau</translation>
    </message>
    <message>
        <source>Read image folders as one grey channel</source>
        <translation>Bildordner als einen Graustufenkanal einlesen</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <source>images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>train</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>test</source>
        <translation>Test</translation>
    </message>
    <message>
        <source>Open an IDX dataset folder</source>
        <translation>IDX-Datensatzordner öffnen</translation>
    </message>
    <message>
        <source>Open a CIFAR-10 binary folder</source>
        <translation>CIFAR-10-Binärordner öffnen</translation>
    </message>
    <message>
        <source>Open an image folder</source>
        <translation>Bildordner öffnen</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>Lese %1…</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>data: %1, %2 train / %3 test images, %4 classes (read in %5 s)</source>
        <translation>Daten: %1, %2 Trainings- / %3 Testbilder, %4 Klassen (eingelesen in %5 s)</translation>
    </message>
    <message>
        <source>No dataset is open.</source>
        <translation>Kein Datensatz geöffnet.</translation>
    </message>
    <message>
        <source>Open CIFAR-100 folder…</source>
        <translation>CIFAR-100-Ordner öffnen…</translation>
    </message>
    <message>
        <source>A folder with train.bin and test.bin (the fine labels are used)</source>
        <translation>Ein Ordner mit train.bin und test.bin (die feinen Klassen werden verwendet)</translation>
    </message>
    <message>
        <source>Open a CIFAR-100 binary folder</source>
        <translation>CIFAR-100-Binärordner öffnen</translation>
    </message>
    <message>
        <source>the train or the test split has no images</source>
        <translation>der Trainings- oder der Testteil enthält keine Bilder</translation>
    </message>
    <message>
        <source>holds one class only; a classifier needs at least two</source>
        <translation>enthält nur eine Klasse; ein Klassifikator braucht mindestens zwei</translation>
    </message>
    <message numerus="yes">
        <source>%1
Images: %2×%3 pixels, %n channel(s)
Classes: %4
Split: %5 train images, %6 test images
%7</source>
        <translation>
            <numerusform>%1
Bilder: %2×%3 Pixel, %n Kanal
Klassen: %4
Aufteilung: %5 Trainingsbilder, %6 Testbilder
%7</numerusform>
            <numerusform>%1
Bilder: %2×%3 Pixel, %n Kanäle
Klassen: %4
Aufteilung: %5 Trainingsbilder, %6 Testbilder
%7</numerusform>
        </translation>
    </message>
    <message>
        <source>Decoding images: %1 of %2</source>
        <translation>Bilder werden dekodiert: %1 von %2</translation>
    </message>
</context>
<context>
    <name>tleg::gui::DepthQueue</name>
    <message>
        <source>&apos;%1&apos; is not a depth from 1 to %2 (write e.g. 2, 4, 6-8).</source>
        <translation>„%1“ ist keine Tiefe von 1 bis %2 (z. B. 2, 4, 6-8 schreiben).</translation>
    </message>
    <message>
        <source>Write the depths to fine-tune, e.g. 2, 4, 6-8.</source>
        <translation>Die zu feinabstimmenden Tiefen angeben, z. B. 2, 4, 6-8.</translation>
    </message>
    <message>
        <source>Depths</source>
        <translation>Tiefen</translation>
    </message>
    <message>
        <source>Descendant depths to expand and fine-tune one after another, e.g. 2, 4, 6-8 (the paper&apos;s Table 1 compares depths 1 to 12).</source>
        <translation>Tiefen der Nachkommen, die nacheinander erweitert und feinabgestimmt werden, z. B. 2, 4, 6-8 (Tabelle 1 des Papers vergleicht die Tiefen 1 bis 12).</translation>
    </message>
    <message>
        <source>with scratch twins</source>
        <translation>mit Scratch-Zwillingen</translation>
    </message>
    <message>
        <source>Also train each depth from random weights with the same architecture, seed and epochs: the baseline TLEG is compared with.</source>
        <translation>Jede Tiefe zusätzlich aus zufälligen Gewichten mit derselben Architektur, demselben Seed und denselben Epochen trainieren: die Baseline, mit der TLEG verglichen wird.</translation>
    </message>
    <message>
        <source>Fine-tune all</source>
        <translation>Alle feinabstimmen</translation>
    </message>
    <message>
        <source>Depth</source>
        <translation>Tiefe</translation>
    </message>
    <message>
        <source>TLEG top-1</source>
        <translation>TLEG Top-1</translation>
    </message>
    <message>
        <source>Scratch top-1</source>
        <translation>Scratch Top-1</translation>
    </message>
    <message>
        <source>TLEG − scratch</source>
        <translation>TLEG − Scratch</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>TLEG (from the learngene)</source>
        <translation>TLEG (aus dem Learngene)</translation>
    </message>
    <message>
        <source>scratch</source>
        <translation>Scratch</translation>
    </message>
    <message>
        <source>depth</source>
        <translation>Tiefe</translation>
    </message>
    <message>
        <source>top-1 (%)</source>
        <translation>Top-1 (%)</translation>
    </message>
    <message>
        <source>Open a learngene first.</source>
        <translation>Zuerst ein Learngene öffnen.</translation>
    </message>
    <message>
        <source>Open a dataset on the Data page first.</source>
        <translation>Zuerst auf der Seite Daten einen Datensatz öffnen.</translation>
    </message>
    <message>
        <source>scratch depth %1</source>
        <translation>Scratch Tiefe %1</translation>
    </message>
    <message>
        <source>fine-tune depth %1</source>
        <translation>Feinabstimmung Tiefe %1</translation>
    </message>
    <message>
        <source>Another job is running: the queue stopped before depth %1.</source>
        <translation>Ein anderer Auftrag läuft: Die Warteschlange hielt vor Tiefe %1 an.</translation>
    </message>
    <message>
        <source>Depth %1 failed: %2</source>
        <translation>Tiefe %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>running…</source>
        <translation>läuft…</translation>
    </message>
    <message>
        <source>%1: test top-1 %2%</source>
        <translation>%1: Test-Top-1 %2 %</translation>
    </message>
</context>
<context>
    <name>tleg::gui::ExpandPage</name>
    <message>
        <source>Learngene</source>
        <translation>Learngene</translation>
    </message>
    <message>
        <source>learngene.safetensors from the Learngene page or &apos;tleg distill&apos;</source>
        <translation>learngene.safetensors von der Seite „Learngene“ oder aus &apos;tleg distill&apos;</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>Öffnen…</translation>
    </message>
    <message>
        <source>No learngene loaded.</source>
        <translation>Kein Learngene geladen.</translation>
    </message>
    <message>
        <source>Descendant depth</source>
        <translation>Tiefe des Nachkommens</translation>
    </message>
    <message>
        <source>layer l</source>
        <translation>Schicht l</translation>
    </message>
    <message>
        <source>c_l = (l-1)/L</source>
        <translation>c_l = (l-1)/L</translation>
    </message>
    <message>
        <source>Expand…</source>
        <translation>Erweitern…</translation>
    </message>
    <message>
        <source>Expand &amp;&amp; fine-tune</source>
        <translation>Erweitern &amp;&amp; feinabstimmen</translation>
    </message>
    <message>
        <source>Save Des-Net</source>
        <translation>Des-Net speichern</translation>
    </message>
    <message>
        <source>safetensors (*.safetensors)</source>
        <translation>safetensors (*.safetensors)</translation>
    </message>
    <message>
        <source>Open learngene</source>
        <translation>Learngene öffnen</translation>
    </message>
    <message>
        <source>Learngene from a %1-block Aux-Net: width %2, %3 heads, %4 classes; expands %5 from block %6; %7 stored.</source>
        <translation>Learngene aus einem Aux-Net mit %1 Blöcken: Breite %2, %3 Köpfe, %4 Klassen; erweitert %5 ab Block %6; %7 gespeichert.</translation>
    </message>
    <message>
        <source>Open a learngene to preview its descendants.</source>
        <translation>Öffnen Sie ein Learngene, um eine Vorschau seiner Nachkommen zu sehen.</translation>
    </message>
    <message>
        <source>expand</source>
        <translation>erweitern</translation>
    </message>
    <message>
        <source>fine-tune depth %1</source>
        <translation>Tiefe %1 feinabstimmen</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>Lese %1…</translation>
    </message>
    <message>
        <source>Cannot use %1: %2</source>
        <translation>%1 kann nicht verwendet werden: %2</translation>
    </message>
    <message>
        <source>Depth %1: top-1 %2% (%3).</source>
        <translation>Tiefe %1: Top-1 %2 % (%3).</translation>
    </message>
    <message>
        <source>Stopped; the checkpoint is in %1 (Runs ▸ Run again resumes it).</source>
        <translation>Gestoppt; der Checkpoint liegt in %1 (Läufe ▸ Erneut ausführen setzt ihn fort).</translation>
    </message>
    <message>
        <source>Live curves</source>
        <translation>Live-Kurven</translation>
    </message>
    <message>
        <source>Several depths</source>
        <translation>Mehrere Tiefen</translation>
    </message>
    <message>
        <source>Fine-tune several depths from this learngene, each beside a scratch twin: the paper&apos;s Table 1.</source>
        <translation>Mehrere Tiefen aus diesem Learngene feinabstimmen, jede neben einem Scratch-Zwilling: Tabelle 1 des Papers.</translation>
    </message>
    <message>
        <source>Des-Net of depth %1: %2 parameters, %3 MACs per image
S-Params to initialise depths 1–%1: learngene %4, one model per depth %5 (%6×)</source>
        <translation>Des-Net der Tiefe %1: %2 Parameter, %3 MACs pro Bild
S-Params zum Initialisieren der Tiefen 1–%1: Learngene %4, ein Modell pro Tiefe %5 (%6×)</translation>
    </message>
    <message>
        <source>Run settings</source>
        <translation>Laufeinstellungen</translation>
    </message>
    <message>
        <source>Train on fewer images (Quick trial), name the run, tag it, note what it tries; the time it will take.</source>
        <translation>Auf weniger Bildern trainieren (Schnelltest), den Lauf benennen, taggen, notieren, was er prüft; die Zeit, die er brauchen wird.</translation>
    </message>
    <message>
        <source>The run goes on, but its tags and notes were not kept: %1</source>
        <translation>Der Lauf geht weiter, aber seine Tags und Notizen wurden nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>fine-tuned depth %1: test top-1 %2%</source>
        <translation>Tiefe %1 feinabgestimmt: Test-Top-1 %2 %</translation>
    </message>
</context>
<context>
    <name>tleg::gui::ExperimentPanel</name>
    <message>
        <source>smoke</source>
        <translation>Smoke-Test</translation>
    </message>
    <message>
        <source>Seconds to a minute: tiny models on a few hundred images, to check that everything runs. The numbers mean little.</source>
        <translation>Sekunden bis eine Minute: winzige Modelle auf einigen hundert Bildern, um zu prüfen, dass alles läuft. Die Zahlen sagen wenig aus.</translation>
    </message>
    <message>
        <source>quick</source>
        <translation>schnell</translation>
    </message>
    <message>
        <source>Small models on Fashion-MNIST: each experiment within about 30 minutes on a 2-core machine.</source>
        <translation>Kleine Modelle auf Fashion-MNIST: jedes Experiment in etwa 30 Minuten auf einem Rechner mit 2 Kernen.</translation>
    </message>
    <message>
        <source>full</source>
        <translation>vollständig</translation>
    </message>
    <message>
        <source>Longer training and more data: hours on a desktop machine.</source>
        <translation>Längeres Training und mehr Daten: Stunden auf einem Desktop-Rechner.</translation>
    </message>
    <message>
        <source>Every model is trained once per seed; the tables give mean ± std.</source>
        <translation>Jedes Modell wird einmal pro Seed trainiert; die Tabellen zeigen Mittelwert ± Standardabweichung.</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Ordner öffnen</translation>
    </message>
    <message>
        <source>Experiment:</source>
        <translation>Experiment:</translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation>Voreinstellung:</translation>
    </message>
    <message>
        <source>Seeds:</source>
        <translation>Seeds:</translation>
    </message>
    <message>
        <source>No results in %1 yet. Run the experiment to train its models and write its tables and plots there; models already in the cache are reused.</source>
        <translation>Noch keine Ergebnisse in %1. Führen Sie das Experiment aus, um seine Modelle zu trainieren und seine Tabellen und Diagramme dort abzulegen; Modelle, die schon im Cache liegen, werden wiederverwendet.</translation>
    </message>
    <message>
        <source>Plots</source>
        <translation>Diagramme</translation>
    </message>
    <message>
        <source>Another job is running (%1): wait for it or stop it.</source>
        <translation>Ein anderer Auftrag läuft (%1): Warten Sie das Ende ab oder stoppen Sie ihn.</translation>
    </message>
    <message>
        <source>experiment %1 (%2)</source>
        <translation>Experiment %1 (%2)</translation>
    </message>
    <message>
        <source>%1: %2 models trained, %3 taken from the cache, %4 s</source>
        <translation>%1: %2 Modelle trainiert, %3 aus dem Cache übernommen, %4 s</translation>
    </message>
    <message>
        <source>Starting %1…</source>
        <translation>%1 wird gestartet…</translation>
    </message>
    <message>
        <source>%1 — running for %2</source>
        <translation>%1 — läuft seit %2</translation>
    </message>
    <message>
        <source>%1 — epoch %2 of %3, ETA of this stage %4; running for %5</source>
        <translation>%1 — Epoche %2 von %3, Restzeit dieser Stufe %4; läuft seit %5</translation>
    </message>
    <message>
        <source>The experiment failed after %1: %2</source>
        <translation>Das Experiment ist nach %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Stopped after %1. Every finished model stays in the cache: Run goes on from there.</source>
        <translation>Nach %1 gestoppt. Jedes fertige Modell bleibt im Cache: „Ausführen“ macht dort weiter.</translation>
    </message>
    <message>
        <source>Finished in %1: %2 models trained, %3 taken from the cache. Results in %4.</source>
        <translation>Fertig nach %1: %2 Modelle trainiert, %3 aus dem Cache übernommen. Ergebnisse in %4.</translation>
    </message>
    <message>
        <source>Could not open %1 in the file manager.</source>
        <translation>%1 konnte nicht im Dateimanager geöffnet werden.</translation>
    </message>
    <message>
        <source>The plots&apos; data cannot be read, showing the images instead: %1</source>
        <translation>Die Daten der Diagramme lassen sich nicht lesen, stattdessen werden die Bilder gezeigt: %1</translation>
    </message>
    <message>
        <source>Released recipe</source>
        <translation>Originalrezept</translation>
    </message>
    <message>
        <source>Train as the paper&apos;s released code does: the KL term divided by batch × classes and no gradient clipping (this tool&apos;s recipe divides by the batch and clips the gradient norm at 1.0). Results go to a folder of their own (…-released).</source>
        <translation>Trainieren wie der veröffentlichte Code des Papers: der KL-Term durch Batch × Klassen geteilt und kein Gradient-Clipping (das Rezept dieses Werkzeugs teilt durch den Batch und begrenzt die Gradientennorm auf 1,0). Die Ergebnisse kommen in einen eigenen Ordner (…-released).</translation>
    </message>
    <message>
        <source>paper</source>
        <translation>Paper</translation>
    </message>
    <message>
        <source>A well-trained ancestry (40 epochs on all of Fashion-MNIST, about 90 % top-1); the rest on 20,000 images: about 75 minutes for all seven on a 2-core machine in bf16. Stopped runs continue where they stopped.</source>
        <translation>Ein gut trainierter Vorfahre (40 Epochen auf ganz Fashion-MNIST, etwa 90 % Top-1); der Rest auf 20.000 Bildern: etwa 75 Minuten für alle sieben auf einem 2-Kern-Rechner in bf16. Gestoppte Läufe machen dort weiter, wo sie gestoppt wurden.</translation>
    </message>
</context>
<context>
    <name>tleg::gui::Format</name>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 G</source>
        <translation>%1 Mrd.</translation>
    </message>
    <message>
        <source>%1 M</source>
        <translation>%1 Mio.</translation>
    </message>
    <message numerus="yes">
        <source>%n epoch(s)</source>
        <translation>
            <numerusform>%n Epoche</numerusform>
            <numerusform>%n Epochen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tleg::gui::ImportSettings</name>
    <message>
        <source>DeiT (distilled)</source>
        <translation>DeiT (destilliert)</translation>
    </message>
    <message>
        <source>TorchScript</source>
        <translation>TorchScript</translation>
    </message>
    <message>
        <source>TLEG Studio model (%1)</source>
        <translation>TLEG-Studio-Modell (%1)</translation>
    </message>
    <message>
        <source>import settings (%1)</source>
        <translation>Importeinstellungen (%1)</translation>
    </message>
    <message>
        <source>Attention heads:</source>
        <translation>Attention-Heads:</translation>
    </message>
    <message>
        <source>Image size:</source>
        <translation>Bildgröße:</translation>
    </message>
    <message>
        <source>Mean:</source>
        <translation>Mittelwert:</translation>
    </message>
    <message>
        <source>Std:</source>
        <translation>Standardabweichung:</translation>
    </message>
    <message>
        <source>Teacher class map:</source>
        <translation>Klassenzuordnung des Lehrermodells:</translation>
    </message>
    <message>
        <source>from the file</source>
        <translation>aus der Datei</translation>
    </message>
    <message>
        <source>Attention heads of a timm, DeiT or torchvision checkpoint without a config beside it (--teacher-heads on the command line)</source>
        <translation>Attention-Heads eines timm-, DeiT- oder torchvision-Checkpoints ohne Konfiguration daneben (--teacher-heads auf der Kommandozeile)</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>The image size the model takes; a ViT&apos;s must match its position embedding (--teacher-image-size)</source>
        <translation>Die Bildgröße, die das Modell erwartet; bei einem ViT muss sie zu seiner Positionseinbettung passen (--teacher-image-size)</translation>
    </message>
    <message>
        <source>from the file, e.g. 0.485, 0.456, 0.406</source>
        <translation>aus der Datei, z. B. 0.485, 0.456, 0.406</translation>
    </message>
    <message>
        <source>Per-channel mean of the images the model was trained on, of pixels in [0, 1] (--teacher-mean)</source>
        <translation>Mittelwert je Kanal der Bilder, mit denen das Modell trainiert wurde, für Pixel in [0, 1] (--teacher-mean)</translation>
    </message>
    <message>
        <source>from the file, e.g. 0.229, 0.224, 0.225</source>
        <translation>aus der Datei, z. B. 0.229, 0.224, 0.225</translation>
    </message>
    <message>
        <source>Per-channel standard deviation, with the mean (--teacher-std)</source>
        <translation>Standardabweichung je Kanal, zusammen mit dem Mittelwert (--teacher-std)</translation>
    </message>
    <message>
        <source>none: its classes are the data&apos;s</source>
        <translation>keine: seine Klassen sind die der Daten</translation>
    </message>
    <message>
        <source>The teacher class of each data class, in the data&apos;s order: &quot;0,217,482&quot; or a file with one index a line (--teacher-class-map)</source>
        <translation>Die Lehrerklasse jeder Datenklasse in der Reihenfolge der Daten: „0,217,482“ oder eine Datei mit einem Index pro Zeile (--teacher-class-map)</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <source>Load the model again with these settings</source>
        <translation>Das Modell mit diesen Einstellungen neu laden</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Herkunft</translation>
    </message>
    <message>
        <source>Format: %1. The file does not say what it takes: the image size and mean/std given here are used, else the data&apos;s.</source>
        <translation>Format: %1. Die Datei sagt nicht, was sie erwartet: Die hier angegebene Bildgröße und Mittelwert/Standardabweichung werden verwendet, sonst die der Daten.</translation>
    </message>
    <message>
        <source>Format: %1. Its architecture and normalisation are in the file; mean/std given here replace its own.</source>
        <translation>Format: %1. Architektur und Normalisierung stehen in der Datei; hier angegebene Mittelwerte/Standardabweichungen ersetzen ihre eigenen.</translation>
    </message>
    <message>
        <source>Format: %1, inferred from its tensor shapes and the configs beside it:</source>
        <translation>Format: %1, abgeleitet aus den Tensorformen und den Konfigurationen daneben:</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Hinweis: %1</translation>
    </message>
</context>
<context>
    <name>tleg::gui::LearngeneForm</name>
    <message>
        <source>Aux-Net</source>
        <translation>Aux-Net</translation>
    </message>
    <message>
        <source>custom</source>
        <translation>benutzerdefiniert</translation>
    </message>
    <message>
        <source>Partial expansion (paper Table 6): blocks below this one are ordinary independent blocks; from it on, blocks are linearly expanded. 1 expands every block.</source>
        <translation>Teilweise Erweiterung (Tabelle 6 der Arbeit): Blöcke unterhalb dieses Blocks sind gewöhnliche, unabhängige Blöcke; ab ihm werden die Blöcke linear erweitert. 1 erweitert jeden Block.</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>Vorgabe</translation>
    </message>
    <message>
        <source>Patch</source>
        <translation>Patch</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>Breite</translation>
    </message>
    <message>
        <source>Heads</source>
        <translation>Köpfe</translation>
    </message>
    <message>
        <source>Depth L</source>
        <translation>Tiefe L</translation>
    </message>
    <message>
        <source>Expand from</source>
        <translation>Erweitern ab</translation>
    </message>
    <message>
        <source>MSA</source>
        <translation>MSA</translation>
    </message>
    <message>
        <source>MLP</source>
        <translation>MLP</translation>
    </message>
    <message>
        <source>LN</source>
        <translation>LN</translation>
    </message>
    <message>
        <source>Expand</source>
        <translation>Erweitern</translation>
    </message>
    <message>
        <source>Share one block instead (Share-Init baseline)</source>
        <translation>Stattdessen einen Block teilen (Share-Init-Baseline)</translation>
    </message>
    <message>
        <source>Distillation</source>
        <translation>Destillation</translation>
    </message>
    <message>
        <source>bf16 matmuls</source>
        <translation>bf16-Matrixprodukte</translation>
    </message>
    <message>
        <source>τ</source>
        <translation>τ</translation>
    </message>
    <message>
        <source>λ</source>
        <translation>λ</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Epochen</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Batch</translation>
    </message>
    <message>
        <source>LR</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>This Aux-Net cannot be built: %1</source>
        <translation>Dieses Aux-Net kann nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>Choose at least one of MSA, MLP and LN to expand.</source>
        <translation>Wählen Sie mindestens eines von MSA, MLP und LN zum Erweitern.</translation>
    </message>
    <message>
        <source>No preview: the settings do not make an Aux-Net yet.</source>
        <translation>Keine Vorschau: Die Einstellungen ergeben noch kein Aux-Net.</translation>
    </message>
    <message>
        <source>Blocks %1–%2 share one block θ_B.</source>
        <translation>Die Blöcke %1–%2 teilen sich einen Block θ_B.</translation>
    </message>
    <message>
        <source>Block l = %1–%2 is θ_B + (l−1)/%2·θ_A.</source>
        <translation>Block l = %1–%2 ist θ_B + (l−1)/%2·θ_A.</translation>
    </message>
    <message>
        <source>Blocks 1–%1 are independent.</source>
        <translation>Die Blöcke 1–%1 sind unabhängig.</translation>
    </message>
    <message>
        <source>Aux-Net: %1 trainable parameters.
Learngene: %2 stored parameters (S-Params, head excluded).
%3 %4</source>
        <translation>Aux-Net: %1 trainierbare Parameter.
Learngene: %2 gespeicherte Parameter (S-Params, ohne Klassifikationskopf).
%3 %4</translation>
    </message>
    <message>
        <source>Temperature τ of the soft distillation (paper Eq. 6): teacher and student logits are divided by τ before the softmax, so τ &gt; 1 softens both distributions and passes on more of how the teacher ranks the wrong classes; the KL term is multiplied by τ² to keep its gradients in scale. The released code uses τ = 1.</source>
        <translation>Temperatur τ der weichen Destillation (Paper, Gl. 6): Die Logits von Lehrer und Schüler werden vor dem Softmax durch τ geteilt; τ &gt; 1 glättet beide Verteilungen und gibt mehr davon weiter, wie der Lehrer die falschen Klassen ordnet. Der KL-Term wird mit τ² multipliziert, damit seine Gradienten in der Größenordnung bleiben. Der veröffentlichte Code verwendet τ = 1.</translation>
    </message>
    <message>
        <source>Weight λ of the distillation term (paper Eq. 5): Loss = (1−λ)·CE(student, labels) + λ·τ²·KL(teacher ‖ student). λ = 1 is pure distillation (the released code&apos;s default), λ = 0 learns from the labels alone.</source>
        <translation>Gewicht λ des Destillationsterms (Paper, Gl. 5): Verlust = (1−λ)·CE(Schüler, Labels) + λ·τ²·KL(Lehrer ‖ Schüler). λ = 1 ist reine Destillation (Standard des veröffentlichten Codes), bei λ = 0 wird nur aus den Labels gelernt.</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>Released recipe</source>
        <translation>Originalrezept</translation>
    </message>
    <message>
        <source>Train as the paper&apos;s released code does (after DeiT): the KL term divided by batch × classes instead of by the batch as in the paper&apos;s Eq. 6 (the distillation term becomes 1/classes as large), and no gradient clipping (this tool clips the gradient norm at 1.0). For exact reproduction of the released code.</source>
        <translation>Trainieren wie der veröffentlichte Code des Papers (nach DeiT): der KL-Term durch Batch × Klassen geteilt statt durch den Batch wie in Gl. 6 des Papers (der Distillationsterm wird 1/Klassen so groß), und kein Gradient-Clipping (dieses Werkzeug begrenzt die Gradientennorm auf 1,0). Für die genaue Reproduktion des veröffentlichten Codes.</translation>
    </message>
</context>
<context>
    <name>tleg::gui::LearngenePage</name>
    <message>
        <source>Teacher (ancestry model):</source>
        <translation>Lehrermodell (Vorfahrenmodell):</translation>
    </message>
    <message>
        <source>model.safetensors from the Ancestry page, or a TorchScript .pt</source>
        <translation>model.safetensors von der Seite „Vorfahr“ oder eine TorchScript-Datei (.pt)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Open a dataset on the Data page first.</source>
        <translation>Öffnen Sie zuerst einen Datensatz auf der Seite „Daten“.</translation>
    </message>
    <message>
        <source>Distillation (λ &gt; 0) needs a teacher: choose the ancestry model above, or set λ to 0 to train the Aux-Net from the labels alone.</source>
        <translation>Destillation (λ &gt; 0) benötigt ein Lehrermodell: Wählen Sie oben das Vorfahrenmodell oder setzen Sie λ auf 0, um das Aux-Net nur mit den Labels zu trainieren.</translation>
    </message>
    <message>
        <source>The teacher file %1 does not exist.</source>
        <translation>Die Datei des Lehrermodells %1 existiert nicht.</translation>
    </message>
    <message>
        <source>Another job is running (%1): wait for it or stop it.</source>
        <translation>Ein anderer Auftrag läuft (%1): Warten Sie das Ende ab oder stoppen Sie ihn.</translation>
    </message>
    <message>
        <source>λ = 0: the Aux-Net learns from the labels alone; the teacher is not used.</source>
        <translation>λ = 0: Das Aux-Net lernt nur aus den Labels; das Lehrermodell wird nicht verwendet.</translation>
    </message>
    <message>
        <source>Choose the ancestry model</source>
        <translation>Vorfahrenmodell wählen</translation>
    </message>
    <message>
        <source>distill</source>
        <translation>destillieren</translation>
    </message>
    <message>
        <source>Distillation failed: %1</source>
        <translation>Destillation fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Learngene saved: %1</source>
        <translation>Learngene gespeichert: %1</translation>
    </message>
    <message>
        <source>Cannot use the teacher: %1</source>
        <translation>Das Lehrermodell kann nicht verwendet werden: %1</translation>
    </message>
    <message>
        <source>distillation stopped after %1; the checkpoint is in %2</source>
        <translation>Destillation nach %1 gestoppt; der Checkpoint liegt in %2</translation>
    </message>
    <message>
        <source>Cannot use the teacher: %1 (the Ancestry page&apos;s import settings set it)</source>
        <translation>Das Lehrermodell kann nicht verwendet werden: %1 (die Importeinstellungen auf der Seite „Vorfahr“ legen das fest)</translation>
    </message>
    <message>
        <source>Checking the teacher against the data…</source>
        <translation>Das Lehrermodell wird mit den Daten geprüft…</translation>
    </message>
    <message>
        <source>Teacher: %1</source>
        <translation>Lehrermodell: %1</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pt *.pth);;TLEG, timm, DeiT, torchvision or Hugging Face (*.safetensors);;TorchScript (*.pt *.pth);;All files (*)</source>
        <translation>Modelle (*.safetensors *.pt *.pth);;TLEG, timm, DeiT, torchvision oder Hugging Face (*.safetensors);;TorchScript (*.pt *.pth);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Resuming %1 after epoch %2…</source>
        <translation>%1 wird nach Epoche %2 fortgesetzt …</translation>
    </message>
    <message>
        <source>learngene of epoch %1 of %2 written to %3</source>
        <translation>Learngene der Epoche %1 von %2 nach %3 geschrieben</translation>
    </message>
    <message>
        <source>The learngene of the finished epochs could not be written: %1</source>
        <translation>Das Learngene der abgeschlossenen Epochen konnte nicht geschrieben werden: %1</translation>
    </message>
    <message>
        <source>The finished epochs stay in %1 (checkpoint.safetensors), but their learngene could not be written: %2</source>
        <translation>Die abgeschlossenen Epochen bleiben in %1 (checkpoint.safetensors), ihr Learngene konnte aber nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Stopped before the first epoch finished: nothing to keep or resume in %1.</source>
        <translation>Vor dem Ende der ersten Epoche gestoppt: in %1 gibt es nichts zu behalten oder fortzusetzen.</translation>
    </message>
    <message>
        <source>Failed after epoch %1 of %2. The learngene of that epoch is open: %3. Resume continues the run from its checkpoint.</source>
        <translation>Nach Epoche %1 von %2 fehlgeschlagen. Das Learngene dieser Epoche ist geöffnet: %3. Fortsetzen setzt den Lauf an seinem Checkpoint fort.</translation>
    </message>
    <message>
        <source>Stopped after epoch %1 of %2. The learngene of that epoch is open: %3. Resume continues the run from its checkpoint.</source>
        <translation>Nach Epoche %1 von %2 gestoppt. Das Learngene dieser Epoche ist geöffnet: %3. Fortsetzen setzt den Lauf an seinem Checkpoint fort.</translation>
    </message>
    <message>
        <source>Continue %1 from its checkpoint (epoch %2 of %3)</source>
        <translation>%1 an seinem Checkpoint fortsetzen (Epoche %2 von %3)</translation>
    </message>
    <message>
        <source>The run goes on, but its tags and notes were not kept: %1</source>
        <translation>Der Lauf geht weiter, aber seine Tags und Notizen wurden nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Aux-Net test top-1 %1%; learngene (%2 stored parameters) written to %3</source>
        <translation>Aux-Net Test-Top-1 %1 %; Learngene (%2 gespeicherte Parameter) geschrieben nach %3</translation>
    </message>
</context>
<context>
    <name>tleg::gui::LinearityPage</name>
    <message>
        <source>Open…</source>
        <translation>Öffnen…</translation>
    </message>
    <message>
        <source>Checkpoints to analyse: safetensors (ancestry, Aux-Net, Des-Net, timm, torchvision or Hugging Face names) or TorchScript</source>
        <translation>Zu analysierende Checkpoints: safetensors (Namen von Vorfahr, Aux-Net, Des-Net, timm, torchvision oder Hugging Face) oder TorchScript</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Export results…</source>
        <translation>Ergebnisse exportieren…</translation>
    </message>
    <message>
        <source>Every figure of every model as JSON, or the per-layer points as CSV (as &apos;tleg pca&apos; writes them)</source>
        <translation>Alle Abbildungen aller Modelle als JSON oder die Punkte pro Schicht als CSV (wie &apos;tleg pca&apos; sie schreibt)</translation>
    </message>
    <message>
        <source>Parameter kind:</source>
        <translation>Parameterart:</translation>
    </message>
    <message>
        <source>Export linearity results</source>
        <translation>Linearitätsergebnisse exportieren</translation>
    </message>
    <message>
        <source>JSON, every figure (*.json);;CSV, per-layer points (*.csv)</source>
        <translation>JSON, alle Abbildungen (*.json);;CSV, Punkte pro Schicht (*.csv)</translation>
    </message>
    <message>
        <source>linearity results written to %1</source>
        <translation>Linearitätsergebnisse nach %1 geschrieben</translation>
    </message>
    <message>
        <source>Open checkpoints</source>
        <translation>Checkpoints öffnen</translation>
    </message>
    <message>
        <source>Checkpoints (*.safetensors *.pt *.pth *.ts);;All files (*)</source>
        <translation>Checkpoints (*.safetensors *.pt *.pth *.ts);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>linearity: analysing %1</source>
        <translation>Linearität: analysiere %1</translation>
    </message>
    <message>
        <source>Cannot analyse %1: %2</source>
        <translation>%1 kann nicht analysiert werden: %2</translation>
    </message>
    <message>
        <source>linearity: failed: %1</source>
        <translation>Linearität: fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>%1 (analysing…)</source>
        <translation>%1 (wird analysiert…)</translation>
    </message>
    <message>
        <source>%1
%2
%3 blocks, %4 parameters</source>
        <translation>%1
%2
%3 Blöcke, %4 Parameter</translation>
    </message>
    <message numerus="yes">
        <source>Analysing %n file(s) on a background thread…</source>
        <translation>
            <numerusform>Analysiere %n Datei im Hintergrund…</numerusform>
            <numerusform>Analysiere %n Dateien im Hintergrund…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n model(s). A linearly expanded model scores R² = 1 for every kind; click a table row to show it, hover a heat-map cell to name it.</source>
        <translation>
            <numerusform>%n Modell. Ein linear erweitertes Modell erreicht R² = 1 für jede Art; klicken Sie auf eine Tabellenzeile, um sie anzuzeigen, und zeigen Sie auf eine Heatmap-Zelle, um ihren Namen zu sehen.</numerusform>
            <numerusform>%n Modelle. Ein linear erweitertes Modell erreicht R² = 1 für jede Art; klicken Sie auf eine Tabellenzeile, um sie anzuzeigen, und zeigen Sie auf eine Heatmap-Zelle, um ihren Namen zu sehen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Open one or more checkpoints to see how their weights change with depth (paper Fig. 1): PCA of the per-layer weights of each kind, and how well a straight line explains PC1.</source>
        <translation>Öffnen Sie einen oder mehrere Checkpoints, um zu sehen, wie sich ihre Gewichte mit der Tiefe ändern (Paper, Abb. 1): PCA der Gewichte pro Schicht für jede Art und wie gut eine Gerade PC1 erklärt.</translation>
    </message>
    <message>
        <source>linearity: %1: %2 blocks, whole-block R² %3 (chance level %4)</source>
        <translation>Linearität: %1: %2 Blöcke, R² des ganzen Blocks %3 (Zufallsniveau %4)</translation>
    </message>
</context>
<context>
    <name>tleg::gui::LinearityPlotTabs</name>
    <message>
        <source>PC1 against depth</source>
        <translation>PC1 über der Tiefe</translation>
    </message>
    <message>
        <source>PC1–PC2 trajectory</source>
        <translation>PC1–PC2-Verlauf</translation>
    </message>
    <message>
        <source>R² heat map</source>
        <translation>R²-Heatmap</translation>
    </message>
    <message>
        <source>Explained variance</source>
        <translation>Erklärte Varianz</translation>
    </message>
</context>
<context>
    <name>tleg::gui::LinearityTable</name>
    <message>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>R²</source>
        <translation>R²</translation>
    </message>
    <message>
        <source>Slope</source>
        <translation>Steigung</translation>
    </message>
    <message>
        <source>PC1 var. %</source>
        <translation>PC1-Var. %</translation>
    </message>
    <message>
        <source>PC2 var. %</source>
        <translation>PC2-Var. %</translation>
    </message>
    <message>
        <source>Residual</source>
        <translation>Residuum</translation>
    </message>
    <message>
        <source>How far the weights are from the best θ_l = θ_B + (l/L)·θ_A a learngene could express: ‖X − fit‖ / ‖X − mean‖ (0 = exactly linear)</source>
        <translation>Wie weit die Gewichte vom besten θ_l = θ_B + (l/L)·θ_A entfernt sind, das ein Learngene ausdrücken könnte: ‖X − fit‖ / ‖X − mean‖ (0 = exakt linear)</translation>
    </message>
    <message>
        <source>R² of a straight line through PC1 against layer index</source>
        <translation>R² einer Geraden durch PC1 über dem Schichtindex</translation>
    </message>
    <message>
        <source>Chance R² (p)</source>
        <translation>Zufalls-R² (p)</translation>
    </message>
    <message>
        <source>The R² a shuffled layer order gives on average: about 1/(L − 1) for weights without any trend (0.2 for 6 blocks). p: the share of shuffled orders whose R² is at least this model&apos;s; a small p means the trend with depth is not chance.</source>
        <translation>Das R², das eine zufällig gemischte Schichtreihenfolge im Mittel ergibt: etwa 1/(L − 1) für Gewichte ohne jeden Trend (0,2 bei 6 Blöcken). p: der Anteil gemischter Reihenfolgen, deren R² mindestens so groß ist wie das dieses Modells; ein kleines p heißt, der Trend mit der Tiefe ist kein Zufall.</translation>
    </message>
    <message>
        <source>%1 (p %2)</source>
        <translation>%1 (p %2)</translation>
    </message>
</context>
<context>
    <name>tleg::gui::MainWindow</name>
    <message>
        <source>started: %1</source>
        <translation>gestartet: %1</translation>
    </message>
    <message>
        <source>failed: %1: %2</source>
        <translation>fehlgeschlagen: %1: %2</translation>
    </message>
    <message>
        <source>stopped: %1</source>
        <translation>gestoppt: %1</translation>
    </message>
    <message>
        <source>finished: %1</source>
        <translation>abgeschlossen: %1</translation>
    </message>
    <message>
        <source>data: %1, %2 train / %3 test images</source>
        <translation>Daten: %1, %2 Trainings- / %3 Testbilder</translation>
    </message>
    <message>
        <source>TLEG Studio</source>
        <translation>TLEG Studio</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Ancestry</source>
        <translation>Vorfahr</translation>
    </message>
    <message>
        <source>Learngene</source>
        <translation>Learngene</translation>
    </message>
    <message>
        <source>Linearity</source>
        <translation>Linearität</translation>
    </message>
    <message>
        <source>Expand</source>
        <translation>Erweitern</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open model or learngene…</source>
        <translation>Modell oder Learngene ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open model or learngene</source>
        <translation>Modell oder Learngene öffnen</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pt *.pth);;All files (*)</source>
        <translation>Modelle (*.safetensors *.pt *.pth);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>&amp;Dark theme</source>
        <translation>&amp;Dunkles Design</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About TLEG Studio</source>
        <translation>Ü&amp;ber TLEG Studio</translation>
    </message>
    <message>
        <source>About TLEG Studio</source>
        <translation>Über TLEG Studio</translation>
    </message>
    <message>
        <source>TLEG Studio produces and initialises Vision Transformers of many depths from one compact learngene, as in &quot;Transformer as Linear Expansion of Learngene&quot; (Xia et al., AAAI 2024).</source>
        <translation>TLEG Studio erzeugt und initialisiert Vision Transformers vieler Tiefen aus einem einzigen kompakten Learngene, wie in „Transformer as Linear Expansion of Learngene“ (Xia et al., AAAI 2024).</translation>
    </message>
    <message>
        <source>run folder: %1</source>
        <translation>Laufordner: %1</translation>
    </message>
    <message>
        <source>No translation for %1 is available.</source>
        <translation>Für %1 ist keine Übersetzung verfügbar.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 existiert nicht.</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>Liste leeren</translation>
    </message>
    <message>
        <source>%1 — epoch %2/%3, loss %4, ETA %5</source>
        <translation>%1 — Epoche %2/%3, Verlust %4, ETA %5</translation>
    </message>
    <message>
        <source>A job is running</source>
        <translation>Ein Auftrag läuft</translation>
    </message>
    <message>
        <source>%1 is still running. Stop it and quit? Finished epochs stay in the run folder.</source>
        <translation>%1 läuft noch. Stoppen und beenden? Abgeschlossene Epochen bleiben im Laufordner.</translation>
    </message>
    <message>
        <source>%1: opened on the Linearity page (the Ancestry page loads a model when no job runs).</source>
        <translation>%1: auf der Seite Linearität geöffnet (die Seite Vorfahr lädt ein Modell, wenn kein Auftrag läuft).</translation>
    </message>
    <message>
        <source>No run %1 in %2.</source>
        <translation>Kein Lauf %1 in %2.</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Version %1</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>A dataset is open.</source>
        <translation>Ein Datensatz ist geöffnet.</translation>
    </message>
    <message>
        <source>An ancestry model is open: it is the teacher.</source>
        <translation>Ein Vorfahrenmodell ist geöffnet: Es ist der Lehrer.</translation>
    </message>
    <message>
        <source>A learngene is open on the Expand page.</source>
        <translation>Auf der Seite Erweitern ist ein Learngene geöffnet.</translation>
    </message>
    <message>
        <source>A model&apos;s weights were analysed.</source>
        <translation>Die Gewichte eines Modells wurden analysiert.</translation>
    </message>
    <message numerus="yes">
        <source>%n Des-Net(s) fine-tuned.</source>
        <translation>
            <numerusform>%n Des-Net feinabgestimmt.</numerusform>
            <numerusform>%n Des-Nets feinabgestimmt.</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Go to</source>
        <translation>&amp;Gehe zu</translation>
    </message>
    <message>
        <source>&amp;Workflow</source>
        <translation>&amp;Arbeitsablauf</translation>
    </message>
    <message>
        <source>Open a dataset (Fashion-MNIST is there already; CIFAR, IDX files or a folder of images per class).</source>
        <translation>Einen Datensatz öffnen (Fashion-MNIST ist schon da; CIFAR, IDX-Dateien oder ein Ordner mit Bildern je Klasse).</translation>
    </message>
    <message>
        <source>Train an ancestry model, or open one you have (TLEG Studio, timm, Hugging Face, torchvision or TorchScript): it becomes the teacher.</source>
        <translation>Ein Vorfahrenmodell trainieren oder ein vorhandenes öffnen (TLEG Studio, timm, Hugging Face, torchvision oder TorchScript): Es wird der Lehrer.</translation>
    </message>
    <message>
        <source>Distil a learngene: an Aux-Net whose blocks are θ_B + (l−1)/L·θ_A learns from the teacher; the learngene (θ_A, θ_B) is written at the end.</source>
        <translation>Ein Learngene destillieren: Ein Aux-Net, dessen Blöcke θ_B + (l−1)/L·θ_A sind, lernt vom Lehrer; am Ende wird das Learngene (θ_A, θ_B) geschrieben.</translation>
    </message>
    <message>
        <source>Check on the Linearity page whether the weights change linearly with depth (PCA trajectories, R² per layer kind).</source>
        <translation>Auf der Seite Linearität prüfen, ob sich die Gewichte linear mit der Tiefe ändern (PCA-Trajektorien, R² je Schichtart).</translation>
    </message>
    <message>
        <source>Expand the learngene into descendants of any depth and fine-tune them, one or several depths at once, beside scratch twins.</source>
        <translation>Das Learngene zu Nachkommen beliebiger Tiefe erweitern und feinabstimmen, eine oder mehrere Tiefen auf einmal, neben Scratch-Zwillingen.</translation>
    </message>
    <message>
        <source>Compare the runs: curves, hyperparameters, and the paper&apos;s experiments.</source>
        <translation>Die Läufe vergleichen: Kurven, Hyperparameter und die Experimente des Papers.</translation>
    </message>
    <message>
        <source>The TLEG workflow</source>
        <translation>Der TLEG-Arbeitsablauf</translation>
    </message>
    <message>
        <source>Workflow</source>
        <translation>Arbeitsablauf</translation>
    </message>
    <message>
        <source>&amp;Inspect weights…</source>
        <translation>Gewichte &amp;untersuchen…</translation>
    </message>
    <message>
        <source>Inspect weights</source>
        <translation>Gewichte untersuchen</translation>
    </message>
    <message>
        <source>safetensors (*.safetensors);;All files (*)</source>
        <translation>safetensors (*.safetensors);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>%1 — paused</source>
        <translation>%1 — pausiert</translation>
    </message>
    <message>
        <source>Save &amp;workspace…</source>
        <translation>&amp;Arbeitsbereich speichern…</translation>
    </message>
    <message>
        <source>Save workspace</source>
        <translation>Arbeitsbereich speichern</translation>
    </message>
    <message>
        <source>TLEG Studio workspace (*.tleg-workspace)</source>
        <translation>TLEG-Studio-Arbeitsbereich (*.tleg-workspace)</translation>
    </message>
    <message>
        <source>Open wor&amp;kspace…</source>
        <translation>Arbeits&amp;bereich öffnen…</translation>
    </message>
    <message>
        <source>Open workspace</source>
        <translation>Arbeitsbereich öffnen</translation>
    </message>
    <message>
        <source>TLEG Studio workspace (*.tleg-workspace);;All files (*)</source>
        <translation>TLEG-Studio-Arbeitsbereich (*.tleg-workspace);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>The workspace could not be kept: %1</source>
        <translation>Der Arbeitsbereich konnte nicht gesichert werden: %1</translation>
    </message>
    <message>
        <source>workspace: %1</source>
        <translation>Arbeitsbereich: %1</translation>
    </message>
    <message>
        <source>&amp;Add to Linearity…</source>
        <translation>Zur Linearität &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>Add to Linearity</source>
        <translation>Zur Linearität hinzufügen</translation>
    </message>
    <message>
        <source>Models (*.safetensors);;All files (*)</source>
        <translation>Modelle (*.safetensors);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Compare models&apos; weights on the Linearity page; the teacher stays.</source>
        <translation>Gewichte von Modellen auf der Seite „Linearität“ vergleichen; das Lehrermodell bleibt.</translation>
    </message>
    <message>
        <source>%1 becomes the teacher in place of %2 (File ▸ Open recent brings it back; File ▸ Add to Linearity compares a model without replacing the teacher).</source>
        <translation>%1 wird das Lehrermodell an Stelle von %2 (Datei ▸ Zuletzt geöffnet holt es zurück; Datei ▸ Zur Linearität hinzufügen vergleicht ein Modell, ohne das Lehrermodell zu ersetzen).</translation>
    </message>
    <message>
        <source>%1: not a model file; not added to the Linearity page.</source>
        <translation>%1: keine Modelldatei; nicht zur Seite „Linearität“ hinzugefügt.</translation>
    </message>
</context>
<context>
    <name>tleg::gui::RunCurves</name>
    <message>
        <source>epoch</source>
        <translation>Epoche</translation>
    </message>
    <message>
        <source>images seen</source>
        <translation>gesehene Bilder</translation>
    </message>
    <message>
        <source>wall time (min)</source>
        <translation>Laufzeit (min)</translation>
    </message>
</context>
<context>
    <name>tleg::gui::RunSetup</name>
    <message>
        <source>%1 is made for %2-px images; these are %3 px, so each image is %4 patches of %5 px%6.</source>
        <translation>%1 ist für Bilder mit %2 px gemacht; diese haben %3 px, also ist jedes Bild %4 Patches zu %5 px%6.</translation>
    </message>
    <message>
        <source> (slow: consider a smaller preset)</source>
        <translation> (langsam: eine kleinere Vorgabe wäre besser)</translation>
    </message>
    <message>
        <source> (too few to learn much)</source>
        <translation> (zu wenige, um viel zu lernen)</translation>
    </message>
    <message>
        <source>Train on</source>
        <translation>Trainieren auf</translation>
    </message>
    <message>
        <source>Run name</source>
        <translation>Laufname</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>all images</source>
        <translation>allen Bildern</translation>
    </message>
    <message>
        <source> images</source>
        <translation> Bildern</translation>
    </message>
    <message>
        <source>Train on a seeded random subset of this many of the open training images (the run records it, so Run again draws the same ones).</source>
        <translation>Auf einer zufälligen Teilmenge (mit festem Seed) so vieler der geöffneten Trainingsbilder trainieren (der Lauf hält sie fest, „Erneut ausführen“ zieht also dieselben).</translation>
    </message>
    <message>
        <source>Quick trial</source>
        <translation>Schnelltest</translation>
    </message>
    <message>
        <source>%1 training images, %2 test images, 1 epoch: to see that everything works before a long run.</source>
        <translation>%1 Trainingsbilder, %2 Testbilder, 1 Epoche: um vor einem langen Lauf zu sehen, dass alles funktioniert.</translation>
    </message>
    <message>
        <source> (the default)</source>
        <translation> (Standard)</translation>
    </message>
    <message>
        <source>The run&apos;s folder name in the run folder (-2, -3, … is added when it exists). Rename it later on the Runs page.</source>
        <translation>Der Ordnername des Laufs im Laufordner (-2, -3, … wird angehängt, wenn er existiert). Später auf der Seite „Läufe“ umbenennen.</translation>
    </message>
    <message>
        <source>comma-separated, e.g. baseline, lr sweep</source>
        <translation>durch Kommas getrennt, z. B. baseline, lr sweep</translation>
    </message>
    <message>
        <source>what this run tries</source>
        <translation>was dieser Lauf ausprobiert</translation>
    </message>
    <message>
        <source>Kept in notes.json beside the run; edit it on the Runs page.</source>
        <translation>In notes.json neben dem Lauf gespeichert; auf der Seite „Läufe“ bearbeiten.</translation>
    </message>
    <message>
        <source>Run name &apos;%1&apos; is not a plain folder name (no &apos;/&apos;).</source>
        <translation>Laufname „%1“ ist kein einfacher Ordnername (kein „/“).</translation>
    </message>
    <message>
        <source>Tags: %1</source>
        <translation>Tags: %1</translation>
    </message>
    <message>
        <source>%1 images × %2</source>
        <translation>%1 Bilder × %2</translation>
    </message>
    <message>
        <source>%1 of %2 images × %3</source>
        <translation>%1 von %2 Bildern × %3</translation>
    </message>
    <message>
        <source>: about %1 on this machine (%2 images/s measured)</source>
        <translation>: etwa %1 auf diesem Rechner (%2 Bilder/s gemessen)</translation>
    </message>
    <message>
        <source>a second</source>
        <translation>eine Sekunde</translation>
    </message>
    <message>
        <source>: measuring this machine&apos;s speed…</source>
        <translation>: messe die Geschwindigkeit dieses Rechners…</translation>
    </message>
    <message>
        <source>: the time is estimated when no job runs</source>
        <translation>: die Zeit wird geschätzt, wenn kein Auftrag läuft</translation>
    </message>
</context>
<context>
    <name>tleg::gui::RunsModel</name>
    <message>
        <source>Could not read the run %1: %2</source>
        <translation>Der Lauf %1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>There is no run in %1.</source>
        <translation>In %1 gibt es keinen Lauf.</translation>
    </message>
</context>
<context>
    <name>tleg::gui::RunsPage</name>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Umbenennen…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Ordner öffnen</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>Validation top-1</source>
        <translation>Validierungs-top-1</translation>
    </message>
    <message>
        <source>top-1 (%)</source>
        <translation>top-1 (%)</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>Trainingsverlust</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>Verlust</translation>
    </message>
    <message>
        <source>Could not list the runs in %1: %2</source>
        <translation>Die Läufe in %1 konnten nicht aufgelistet werden: %2</translation>
    </message>
    <message>
        <source>Looking for runs in %1…</source>
        <translation>Suche Läufe in %1…</translation>
    </message>
    <message>
        <source>No runs in %1 yet. Every training run writes a folder here.</source>
        <translation>Noch keine Läufe in %1. Jeder Trainingslauf legt hier einen Ordner an.</translation>
    </message>
    <message>
        <source>Could not rename the run: %1</source>
        <translation>Der Lauf konnte nicht umbenannt werden: %1</translation>
    </message>
    <message>
        <source>Renamed, but the run could not be read again: %1</source>
        <translation>Umbenannt, aber der Lauf konnte nicht erneut gelesen werden: %1</translation>
    </message>
    <message>
        <source>Could not delete the run: %1</source>
        <translation>Der Lauf konnte nicht gelöscht werden: %1</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Rename run</source>
        <translation>Lauf umbenennen</translation>
    </message>
    <message>
        <source>New name of the run folder:</source>
        <translation>Neuer Name des Laufordners:</translation>
    </message>
    <message>
        <source>Delete the run folder %1 and everything in it? This cannot be undone.</source>
        <translation>Den Laufordner %1 mit seinem gesamten Inhalt löschen? Dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>%1

A selected run seems to be still training; its job will fail.</source>
        <translation>%1

Ein ausgewählter Lauf scheint noch zu trainieren; sein Auftrag wird fehlschlagen.</translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation>Läufe löschen</translation>
    </message>
    <message>
        <source>Export the runs table</source>
        <translation>Lauftabelle exportieren</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not open %1 in the file manager.</source>
        <translation>%1 konnte nicht im Dateimanager geöffnet werden.</translation>
    </message>
    <message>
        <source>Runs in %1: %2. Select rows to compare their curves.</source>
        <translation>Läufe in %1: %2. Zeilen auswählen, um ihre Kurven zu vergleichen.</translation>
    </message>
    <message>
        <source>Delete these %1 run folders and everything in them? This cannot be undone.</source>
        <translation>Diese %1 Laufordner mit ihrem gesamten Inhalt löschen? Das kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>Experiments</source>
        <translation>Experimente</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation>Erneut ausführen</translation>
    </message>
    <message>
        <source>Train the selected run once more from its config.json: the same data, model, options and seed, into a new folder</source>
        <translation>Den gewählten Lauf nach seiner config.json noch einmal trainieren: mit denselben Daten, demselben Modell, denselben Optionen und demselben Seed, in einen neuen Ordner</translation>
    </message>
    <message>
        <source>%1 is running: wait for it or stop it, then run again.</source>
        <translation>%1 läuft: Warten Sie das Ende ab oder stoppen Sie den Auftrag und führen Sie dann erneut aus.</translation>
    </message>
    <message>
        <source>Cannot run %1 again: %2</source>
        <translation>%1 kann nicht erneut ausgeführt werden: %2</translation>
    </message>
    <message>
        <source>run again %1</source>
        <translation>%1 erneut ausführen</translation>
    </message>
    <message>
        <source>Running %1 again failed: %2</source>
        <translation>Erneutes Ausführen von %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Cannot read the run %1: %2</source>
        <translation>Der Lauf %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>Kurven</translation>
    </message>
    <message>
        <source>Differences</source>
        <translation>Unterschiede</translation>
    </message>
    <message>
        <source>The settings (config.json) that differ between the selected runs.</source>
        <translation>Die Einstellungen (config.json), in denen sich die ausgewählten Läufe unterscheiden.</translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation>Glättung</translation>
    </message>
    <message>
        <source>Exponential moving average as in TensorBoard (weight 0 … 0.95, debiased); the raw curve stays faint behind.</source>
        <translation>Exponentieller gleitender Mittelwert wie in TensorBoard (Gewicht 0 … 0,95, ohne Anfangsverzerrung); die Rohkurve bleibt blass dahinter.</translation>
    </message>
    <message>
        <source>Log-scale loss</source>
        <translation>Verlust logarithmisch</translation>
    </message>
    <message>
        <source>x axis</source>
        <translation>x-Achse</translation>
    </message>
    <message>
        <source>Select two or more runs to see how their settings differ.</source>
        <translation>Zwei oder mehr Läufe auswählen, um zu sehen, wie sich ihre Einstellungen unterscheiden.</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>Einstellung</translation>
    </message>
    <message>
        <source>Tags and notes…</source>
        <translation>Tags und Notizen…</translation>
    </message>
    <message>
        <source>Could not keep the tags and notes: %1</source>
        <translation>Tags und Notizen konnten nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>Saved, but the run could not be read again: %1</source>
        <translation>Gespeichert, aber der Lauf konnte nicht erneut gelesen werden: %1</translation>
    </message>
    <message>
        <source>Tags and notes of %1</source>
        <translation>Tags und Notizen von %1</translation>
    </message>
    <message>
        <source>comma-separated, e.g. baseline, lr sweep</source>
        <translation>durch Kommas getrennt, z. B. baseline, lr sweep</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
</context>
<context>
    <name>tleg::gui::RunsTable</name>
    <message>
        <source>finished</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>incomplete</source>
        <translation>unvollständig</translation>
    </message>
    <message>
        <source>broken</source>
        <translation>beschädigt</translation>
    </message>
    <message>
        <source>ancestry</source>
        <translation>Vorfahr</translation>
    </message>
    <message>
        <source>aux-net</source>
        <translation>Aux-Net</translation>
    </message>
    <message>
        <source>des-net</source>
        <translation>Des-Net</translation>
    </message>
    <message>
        <source>scratch</source>
        <translation>von Grund auf</translation>
    </message>
    <message>
        <source>fine-tune</source>
        <translation>Feinabstimmung</translation>
    </message>
    <message>
        <source>pretrain</source>
        <translation>Vortraining</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Depth</source>
        <translation>Tiefe</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Epochen</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>data: %1</source>
        <translation>Daten: %1</translation>
    </message>
    <message>
        <source>teacher: %1</source>
        <translation>Lehrermodell: %1</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>notes: %1</source>
        <translation>Notizen: %1</translation>
    </message>
    <message>
        <source>Val top-1 (%)</source>
        <translation>Val.-Top-1 (%)</translation>
    </message>
    <message>
        <source>Test top-1 (%)</source>
        <translation>Test-Top-1 (%)</translation>
    </message>
    <message>
        <source>Epoch %1: the best on the validation images held out of the training data</source>
        <translation>Epoche %1: die beste auf den aus den Trainingsdaten zurückgehaltenen Validierungsbildern</translation>
    </message>
    <message>
        <source>No validation images were held out: every epoch was scored on the test set and the last one kept</source>
        <translation>Es wurden keine Validierungsbilder zurückgehalten: jede Epoche wurde auf der Testmenge bewertet und die letzte behalten</translation>
    </message>
    <message>
        <source>The model of epoch %1 on the test set</source>
        <translation>Das Modell der Epoche %1 auf der Testmenge</translation>
    </message>
    <message>
        <source>Scored on the test set once, when the run has finished</source>
        <translation>Einmal auf der Testmenge bewertet, wenn der Lauf fertig ist</translation>
    </message>
</context>
<context>
    <name>tleg::gui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>all cores (%1)</source>
        <translation>alle Kerne (%1)</translation>
    </message>
    <message>
        <source>Threads for training:</source>
        <translation>Threads für das Training:</translation>
    </message>
    <message>
        <source>bfloat16 matrix products (faster on CPUs with AVX-512 BF16 or AMX)</source>
        <translation>bfloat16-Matrixprodukte (schneller auf CPUs mit AVX-512 BF16 oder AMX)</translation>
    </message>
    <message>
        <source>Precision:</source>
        <translation>Präzision:</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Run folder:</source>
        <translation>Laufordner:</translation>
    </message>
    <message>
        <source>Run folder</source>
        <translation>Laufordner</translation>
    </message>
    <message>
        <source>New settings apply to the next job; a running job keeps its own.</source>
        <translation>Neue Einstellungen gelten ab dem nächsten Auftrag; ein laufender Auftrag behält seine eigenen.</translation>
    </message>
    <message>
        <source>Reopen what was open when the studio last closed</source>
        <translation>Wieder öffnen, was beim letzten Schließen offen war</translation>
    </message>
    <message>
        <source>At start:</source>
        <translation>Beim Start:</translation>
    </message>
</context>
<context>
    <name>tleg::gui::StepGuide</name>
    <message>
        <source>Next: %1 →</source>
        <translation>Weiter: %1 →</translation>
    </message>
</context>
<context>
    <name>tleg::gui::TrainingPanel</name>
    <message>
        <source>Not started.</source>
        <translation>Nicht gestartet.</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Pausing after the current batch…</source>
        <translation>Pause nach dem aktuellen Batch…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Wird gestoppt…</translation>
    </message>
    <message>
        <source>Paused at step %1 of %2; the ETA leaves the pause out.</source>
        <translation>Pausiert bei Schritt %1 von %2; die ETA berücksichtigt die Pause nicht.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Starte…</translation>
    </message>
    <message>
        <source>Epoch %1 of %2, step %3 of %4, ETA %5</source>
        <translation>Epoche %1 von %2, Schritt %3 von %4, ETA %5</translation>
    </message>
    <message>
        <source>Failed.</source>
        <translation>Fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Gestoppt.</translation>
    </message>
    <message>
        <source>Finished in %1.</source>
        <translation>Abgeschlossen in %1.</translation>
    </message>
</context>
<context>
    <name>tleg::gui::TrainingPlot</name>
    <message>
        <source>loss</source>
        <translation>Verlust</translation>
    </message>
    <message>
        <source>loss (smoothed)</source>
        <translation>Verlust (geglättet)</translation>
    </message>
    <message>
        <source>val top-1 %</source>
        <translation>Val.-top-1 %</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>top-1 (%)</source>
        <translation>top-1 (%)</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>Lernrate</translation>
    </message>
</context>
<context>
    <name>tleg::gui::WeightView</name>
    <message>
        <source>Weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <source>Tensor</source>
        <translation>Tensor</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>Mittelwert</translation>
    </message>
    <message>
        <source>Std</source>
        <translation>Std.-Abw.</translation>
    </message>
    <message>
        <source>Layer kind</source>
        <translation>Schichtart</translation>
    </message>
    <message>
        <source>θ_A parameters</source>
        <translation>θ_A-Parameter</translation>
    </message>
    <message>
        <source>θ_B parameters</source>
        <translation>θ_B-Parameter</translation>
    </message>
    <message>
        <source>value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>Lese %1…</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>No file open.</source>
        <translation>Keine Datei geöffnet.</translation>
    </message>
    <message>
        <source>%1
Kind: %2 · %3 tensors in %4 groups · %5 parameters</source>
        <translation>%1
Art: %2 · %3 Tensoren in %4 Gruppen · %5 Parameter</translation>
    </message>
    <message>
        <source>foreign (no TLEG metadata)</source>
        <translation>fremd (keine TLEG-Metadaten)</translation>
    </message>
</context>
</TS>
