<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Data</name>
    <message>
        <source>there is no train/ folder: a seeded 20% of the images is the test split</source>
        <translation>没有 train/ 文件夹：20% 的图像（按固定种子抽取）作为测试集。</translation>
    </message>
</context>
<context>
    <name>Experiments</name>
    <message>
        <source>Des-Nets of many depths from one learngene vs scratch</source>
        <translation>由一个学习基因得到多种深度的 Des-Net 与从头训练对比</translation>
    </message>
    <message>
        <source>Table 1</source>
        <translation>表 1</translation>
    </message>
    <message>
        <source>One learngene is expanded into Des-Nets of several depths and each is fine-tuned briefly; each depth is also trained from scratch with the same budget and with a longer one. Accuracy against depth and the total training cost of both routes.</source>
        <translation>将一个学习基因扩展为多种深度的 Des-Net，并分别做短时微调；每种深度也以相同预算和更长预算从头训练。比较准确率随深度的变化以及两条路线的总训练成本。</translation>
    </message>
    <message>
        <source>Transfer to new classes against the baselines</source>
        <translation>迁移到新类别：与基线方法对比</translation>
    </message>
    <message>
        <source>Table 2</source>
        <translation>表 2</translation>
    </message>
    <message>
        <source>Learngene, Share-Init and Pre-Fin(U) are trained on the source classes; Des-Nets initialised by Scratch, Pre-Fin(U), He-LG, Share-Init and TLEG are trained on the target classes with a limited label budget. Top-1 and S-Params for each.</source>
        <translation>学习基因、Share-Init 和 Pre-Fin(U) 在源类别上训练；分别用 Scratch、Pre-Fin(U)、He-LG、Share-Init 和 TLEG 初始化的 Des-Net 在目标类别上以有限的标注预算训练。给出每种方法的 Top-1 和 S-Params。</translation>
    </message>
    <message>
        <source>Parameters stored to initialise many depths</source>
        <translation>初始化多种深度所需存储的参数</translation>
    </message>
    <message>
        <source>Table 3</source>
        <translation>表 3</translation>
    </message>
    <message>
        <source>Des-Nets of several depths on the target classes, initialised either from one pretrained model per depth (Pre-Fin(U)) or from one learngene: stored parameters, pretraining cost and accuracy.</source>
        <translation>目标类别上多种深度的 Des-Net，分别由每种深度一个预训练模型（Pre-Fin(U)）或由一个学习基因初始化：比较存储参数、预训练成本和准确率。</translation>
    </message>
    <message>
        <source>Which modules to expand</source>
        <translation>扩展哪些模块</translation>
    </message>
    <message>
        <source>Table 4</source>
        <translation>表 4</translation>
    </message>
    <message>
        <source>Learngenes that expand MSA, MLP, MSA+MLP or MSA+MLP+LN (the rest per-layer in the Aux-Net and random in the Des-Net), against Pre-Fin(U), on the target classes.</source>
        <translation>分别扩展 MSA、MLP、MSA+MLP 或 MSA+MLP+LN 的学习基因（其余部分在 Aux-Net 中逐层独立、在 Des-Net 中随机初始化），在目标类别上与 Pre-Fin(U) 对比。</translation>
    </message>
    <message>
        <source>Initialising part of a Des-Net</source>
        <translation>只初始化 Des-Net 的一部分</translation>
    </message>
    <message>
        <source>Table 5</source>
        <translation>表 5</translation>
    </message>
    <message>
        <source>Only the first half, only the second half, or all blocks of the Des-Net come from the learngene; the rest starts random.</source>
        <translation>Des-Net 只有前一半、只有后一半或全部块来自学习基因；其余部分随机初始化。</translation>
    </message>
    <message>
        <source>Expanding part of the Aux-Net</source>
        <translation>只扩展 Aux-Net 的一部分</translation>
    </message>
    <message>
        <source>Table 6</source>
        <translation>表 6</translation>
    </message>
    <message>
        <source>The Aux-Net&apos;s lowest blocks are independent and only the upper ones are linearly expanded, against expanding all blocks.</source>
        <translation>Aux-Net 最底部的若干块相互独立，只对上部的块做线性扩展，并与扩展全部块对比。</translation>
    </message>
    <message>
        <source>Do weights change linearly with depth?</source>
        <translation>权重是否随深度线性变化？</translation>
    </message>
    <message>
        <source>Fig. 1</source>
        <translation>图 1</translation>
    </message>
    <message>
        <source>PCA of per-layer weights for an ancestry trained from scratch, the Aux-Net, fine-tuned Des-Nets and models trained from scratch: R² of PC1 against depth per parameter kind.</source>
        <translation>对从头训练的祖先模型、Aux-Net、微调后的 Des-Net 以及从头训练的模型做逐层权重的 PCA：按参数类型给出 PC1 随深度的 R²。</translation>
    </message>
</context>
<context>
    <name>LinearityPlots</name>
    <message>
        <source>whole block</source>
        <translation>整个块</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>无</translation>
    </message>
    <message>
        <source>PC1 score</source>
        <translation>PC1 得分</translation>
    </message>
    <message>
        <source>%1: fit, R² = %2</source>
        <translation>%1：拟合，R² = %2</translation>
    </message>
    <message>
        <source>PC2 score</source>
        <translation>PC2 得分</translation>
    </message>
    <message>
        <source>first layer</source>
        <translation>第一层</translation>
    </message>
    <message>
        <source>last layer</source>
        <translation>最后一层</translation>
    </message>
    <message>
        <source>R²</source>
        <translation>R²</translation>
    </message>
    <message>
        <source>R² of PC1 against depth</source>
        <translation>PC1 随深度变化的 R²</translation>
    </message>
    <message>
        <source>%1, %2: R² = %3</source>
        <translation>%1，%2：R² = %3</translation>
    </message>
    <message>
        <source>explained variance</source>
        <translation>解释方差</translation>
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
        <translation>PC3 及之后</translation>
    </message>
    <message>
        <source>principal component</source>
        <translation>主成分</translation>
    </message>
    <message>
        <source>explained variance (%)</source>
        <translation>解释方差 (%)</translation>
    </message>
    <message>
        <source>principal components of %1 in %2</source>
        <translation>%2 中 %1 的主成分</translation>
    </message>
    <message>
        <source>layer l</source>
        <translation>层 l</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Fashion-MNIST could not be loaded (%1). Install Debian&apos;s dataset-fashion-mnist package or open a dataset on the Data page.</source>
        <translation>无法加载 Fashion-MNIST（%1）。请安装 Debian 的 dataset-fashion-mnist 软件包，或在“数据”页面打开一个数据集。</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <source>Top left</source>
        <translation>左上</translation>
    </message>
    <message>
        <source>Top right</source>
        <translation>右上</translation>
    </message>
    <message>
        <source>Bottom left</source>
        <translation>左下</translation>
    </message>
    <message>
        <source>Bottom right</source>
        <translation>右下</translation>
    </message>
    <message>
        <source>Automatic (where it covers least)</source>
        <translation>自动（遮挡最少处）</translation>
    </message>
    <message>
        <source>Hidden</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <source>%1 is gone; not opened.</source>
        <translation>%1 已不存在；未打开。</translation>
    </message>
</context>
<context>
    <name>tleg::gui::AncestryForm</name>
    <message>
        <source>depth %1, width %2, %3 heads, patch %4, %5×%5×%6 input, %7 classes, %8 pooling</source>
        <translation>深度 %1，宽度 %2，%3 个头，patch %4，输入 %5×%5×%6，%7 个类别，%8 池化</translation>
    </message>
    <message>
        <source>Train an ancestry</source>
        <translation>训练祖先模型</translation>
    </message>
    <message>
        <source> epochs</source>
        <translation> 轮</translation>
    </message>
    <message>
        <source>random crop and flip</source>
        <translation>随机裁剪和翻转</translation>
    </message>
    <message>
        <source>bfloat16 matmuls (Settings)</source>
        <translation>bfloat16 矩阵乘法（设置）</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Depth</source>
        <translation>深度</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Warm-up</source>
        <translation>预热</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Augmentation</source>
        <translation>数据增强</translation>
    </message>
    <message>
        <source>bf16</source>
        <translation>bf16</translation>
    </message>
    <message>
        <source>Open a dataset on the Data page first.</source>
        <translation>请先在“数据”页面打开一个数据集。</translation>
    </message>
    <message>
        <source>The images must be square, these are %1×%2.</source>
        <translation>图像必须是正方形，当前为 %1×%2。</translation>
    </message>
    <message>
        <source>%1 on %2: %3; %4 parameters, %5 MACs per image</source>
        <translation>%1 在 %2 上：%3；%4 个参数，每张图像 %5 MACs</translation>
    </message>
</context>
<context>
    <name>tleg::gui::AncestryPage</name>
    <message>
        <source>TorchScript module (architecture not recorded)</source>
        <translation>TorchScript 模块（未记录架构）</translation>
    </message>
    <message>
        <source>no top-1: no dataset is open</source>
        <translation>无 top-1：未打开数据集</translation>
    </message>
    <message>
        <source>evaluating %1 on %2 test images</source>
        <translation>正在 %2 张测试图像上评估 %1</translation>
    </message>
    <message>
        <source>no top-1: the evaluation was stopped</source>
        <translation>无 top-1：评估已停止</translation>
    </message>
    <message>
        <source>no top-1 on %1: %2</source>
        <translation>在 %1 上无 top-1：%2</translation>
    </message>
    <message>
        <source>Ancestry model (the teacher)</source>
        <translation>祖先模型（教师模型）</translation>
    </message>
    <message>
        <source>Load…</source>
        <translation>加载…</translation>
    </message>
    <message>
        <source>Load an ancestry model</source>
        <translation>加载祖先模型</translation>
    </message>
    <message>
        <source>No ancestry model yet: load a model file, or train one below.</source>
        <translation>尚无祖先模型：请加载模型文件，或在下方训练一个。</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>%1% (top-5 %2%) on the %3 test split</source>
        <translation>在 %3 测试集上为 %1%（top-5 %2%）</translation>
    </message>
    <message>
        <source>File: %1
Kind: %2
Architecture: %3
Parameters: %4
MACs per image: %5
Top-1: %6</source>
        <translation>文件：%1
类型：%2
架构：%3
参数：%4
每张图像 MACs：%5
Top-1：%6</translation>
    </message>
    <message>
        <source>%1 is running: wait for it or stop it, then load the model again.</source>
        <translation>%1 正在运行：请等待其结束或将其停止，然后重新加载模型。</translation>
    </message>
    <message>
        <source>load ancestry %1</source>
        <translation>加载祖先模型 %1</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <source>%1 is running: wait for it or stop it, then train again.</source>
        <translation>%1 正在运行：请等待其结束或将其停止，然后重新训练。</translation>
    </message>
    <message>
        <source>train %1</source>
        <translation>训练 %1</translation>
    </message>
    <message>
        <source>Training into %1…</source>
        <translation>正在训练，输出到 %1…</translation>
    </message>
    <message>
        <source>Cannot use this model: %1</source>
        <translation>无法使用此模型：%1</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>训练失败：%1</translation>
    </message>
    <message>
        <source>Failed; see %1.</source>
        <translation>失败；请参见 %1。</translation>
    </message>
    <message>
        <source>Finished: %1</source>
        <translation>完成：%1</translation>
    </message>
    <message>
        <source>no top-1: %1</source>
        <translation>无 top-1：%1</translation>
    </message>
    <message>
        <source>Failed.</source>
        <translation>失败。</translation>
    </message>
    <message>
        <source>Loaded %1.</source>
        <translation>已加载 %1。</translation>
    </message>
    <message numerus="yes">
        <source>Stopped after %n finished epoch(s); the last checkpoint is in %1.</source>
        <translation>
            <numerusform>完成 %n 轮后停止；最后的检查点位于 %1。</numerusform>
        </translation>
    </message>
    <message>
        <source>A TLEG model, a timm, DeiT or torchvision ViT (.safetensors) or any TorchScript classifier (.pt); or drop the file on the page</source>
        <translation>TLEG 模型、timm、DeiT 或 torchvision 的 ViT（.safetensors）或任意 TorchScript 分类器（.pt）；也可将文件拖放到本页</translation>
    </message>
    <message>
        <source>Load folder…</source>
        <translation>加载文件夹…</translation>
    </message>
    <message>
        <source>A Hugging Face model folder (config.json, model.safetensors and preprocessor_config.json); or drop the folder on the page</source>
        <translation>Hugging Face 模型文件夹（config.json、model.safetensors 和 preprocessor_config.json）；也可将文件夹拖放到本页</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pt *.pth);;TLEG, timm, DeiT, torchvision or Hugging Face (*.safetensors);;TorchScript (*.pt *.pth);;Hugging Face config (config.json preprocessor_config.json);;All files (*)</source>
        <translation>模型 (*.safetensors *.pt *.pth);;TLEG、timm、DeiT、torchvision 或 Hugging Face (*.safetensors);;TorchScript (*.pt *.pth);;Hugging Face 配置 (config.json preprocessor_config.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Load a Hugging Face model folder</source>
        <translation>加载 Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <source>%1, imported from %2</source>
        <translation>%1，导入自 %2</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Import settings</source>
        <translation>导入设置</translation>
    </message>
    <message>
        <source>The run goes on, but its tags and notes were not kept: %1</source>
        <translation>运行继续，但其标签和备注未能保存：%1</translation>
    </message>
    <message>
        <source>Finished: %1. It is the teacher now, in place of %2.</source>
        <translation>完成：%1。它现在是教师模型，取代了 %2。</translation>
    </message>
    <message numerus="yes">
        <source>Loaded %1 with its run&apos;s %n epoch(s) (%2).</source>
        <translation>
            <numerusform>已加载 %1 及其所属运行的 %n 轮（%2）。</numerusform>
        </translation>
    </message>
    <message>
        <source>ancestry: test top-1 %1%, top-5 %2% -&gt; %3</source>
        <translation>祖先模型：测试 top-1 %1%，top-5 %2% -&gt; %3</translation>
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
        <translation>内置 Fashion-MNIST（60000 张训练 / 10000 张测试图像）</translation>
    </message>
    <message>
        <source>Open IDX folder…</source>
        <translation>打开 IDX 文件夹…</translation>
    </message>
    <message>
        <source>A folder with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] (MNIST family)</source>
        <translation>包含 {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] 的文件夹（MNIST 系列）</translation>
    </message>
    <message>
        <source>Open CIFAR-10 folder…</source>
        <translation>打开 CIFAR-10 文件夹…</translation>
    </message>
    <message>
        <source>A folder with data_batch_1.bin … data_batch_5.bin and test_batch.bin</source>
        <translation>包含 data_batch_1.bin … data_batch_5.bin 和 test_batch.bin 的文件夹</translation>
    </message>
    <message>
        <source>Open image folder…</source>
        <translation>打开图像文件夹…</translation>
    </message>
    <message>
        <source>train/&lt;class&gt;/&lt;image&gt; and test/&lt;class&gt;/&lt;image&gt;, or one &lt;class&gt;/&lt;image&gt; tree</source>
        <translation>train/&lt;class&gt;/&lt;image&gt; 和 test/&lt;class&gt;/&lt;image&gt;，或单个 &lt;class&gt;/&lt;image&gt; 目录树</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>Image folders are resized to this size</source>
        <translation>图像文件夹中的图像会缩放到此尺寸</translation>
    </message>
    <message>
        <source>Grey</source>
        <translation>灰度</translation>
    </message>
    <message>
        <source>Read image folders as one grey channel</source>
        <translation>将图像文件夹读取为单个灰度通道</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练集</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试集</translation>
    </message>
    <message>
        <source>images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练集</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试集</translation>
    </message>
    <message>
        <source>Open an IDX dataset folder</source>
        <translation>打开 IDX 数据集文件夹</translation>
    </message>
    <message>
        <source>Open a CIFAR-10 binary folder</source>
        <translation>打开 CIFAR-10 二进制文件夹</translation>
    </message>
    <message>
        <source>Open an image folder</source>
        <translation>打开图像文件夹</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>data: %1, %2 train / %3 test images, %4 classes (read in %5 s)</source>
        <translation>数据：%1，%2 张训练 / %3 张测试图像，%4 个类别（读取用时 %5 秒）</translation>
    </message>
    <message>
        <source>No dataset is open.</source>
        <translation>未打开数据集。</translation>
    </message>
    <message>
        <source>Open CIFAR-100 folder…</source>
        <translation>打开 CIFAR-100 文件夹…</translation>
    </message>
    <message>
        <source>A folder with train.bin and test.bin (the fine labels are used)</source>
        <translation>包含 train.bin 和 test.bin 的文件夹（使用细粒度标签）</translation>
    </message>
    <message>
        <source>Open a CIFAR-100 binary folder</source>
        <translation>打开 CIFAR-100 二进制文件夹</translation>
    </message>
    <message>
        <source>the train or the test split has no images</source>
        <translation>训练集或测试集中没有图像</translation>
    </message>
    <message>
        <source>holds one class only; a classifier needs at least two</source>
        <translation>只有一个类别；分类器至少需要两个类别</translation>
    </message>
    <message numerus="yes">
        <source>%1
Images: %2×%3 pixels, %n channel(s)
Classes: %4
Split: %5 train images, %6 test images
%7</source>
        <translation>
            <numerusform>%1
图像：%2×%3 像素，%n 通道
类别：%4
划分：%5 张训练图像，%6 张测试图像
%7</numerusform>
        </translation>
    </message>
    <message>
        <source>Decoding images: %1 of %2</source>
        <translation>正在解码图像：%1 / %2</translation>
    </message>
</context>
<context>
    <name>tleg::gui::DepthQueue</name>
    <message>
        <source>&apos;%1&apos; is not a depth from 1 to %2 (write e.g. 2, 4, 6-8).</source>
        <translation>“%1”不是 1 到 %2 之间的深度（例如写 2, 4, 6-8）。</translation>
    </message>
    <message>
        <source>Write the depths to fine-tune, e.g. 2, 4, 6-8.</source>
        <translation>请填写要微调的深度，例如 2, 4, 6-8。</translation>
    </message>
    <message>
        <source>Depths</source>
        <translation>深度</translation>
    </message>
    <message>
        <source>Descendant depths to expand and fine-tune one after another, e.g. 2, 4, 6-8 (the paper&apos;s Table 1 compares depths 1 to 12).</source>
        <translation>依次扩展并微调的后代深度，例如 2, 4, 6-8（论文表 1 比较深度 1 到 12）。</translation>
    </message>
    <message>
        <source>with scratch twins</source>
        <translation>附带从头训练的对照</translation>
    </message>
    <message>
        <source>Also train each depth from random weights with the same architecture, seed and epochs: the baseline TLEG is compared with.</source>
        <translation>对每个深度另外用相同的架构、种子和轮数从随机权重训练：这是与 TLEG 对比的基线。</translation>
    </message>
    <message>
        <source>Fine-tune all</source>
        <translation>全部微调</translation>
    </message>
    <message>
        <source>Depth</source>
        <translation>深度</translation>
    </message>
    <message>
        <source>TLEG top-1</source>
        <translation>TLEG top-1</translation>
    </message>
    <message>
        <source>Scratch top-1</source>
        <translation>从头训练 top-1</translation>
    </message>
    <message>
        <source>TLEG − scratch</source>
        <translation>TLEG − 从头训练</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>TLEG (from the learngene)</source>
        <translation>TLEG（来自学习基因）</translation>
    </message>
    <message>
        <source>scratch</source>
        <translation>从头训练</translation>
    </message>
    <message>
        <source>depth</source>
        <translation>深度</translation>
    </message>
    <message>
        <source>top-1 (%)</source>
        <translation>top-1 (%)</translation>
    </message>
    <message>
        <source>Open a learngene first.</source>
        <translation>请先打开一个学习基因。</translation>
    </message>
    <message>
        <source>Open a dataset on the Data page first.</source>
        <translation>请先在数据页打开一个数据集。</translation>
    </message>
    <message>
        <source>scratch depth %1</source>
        <translation>从头训练 深度 %1</translation>
    </message>
    <message>
        <source>fine-tune depth %1</source>
        <translation>微调 深度 %1</translation>
    </message>
    <message>
        <source>Another job is running: the queue stopped before depth %1.</source>
        <translation>另一个任务正在运行：队列在深度 %1 之前停止。</translation>
    </message>
    <message>
        <source>Depth %1 failed: %2</source>
        <translation>深度 %1 失败：%2</translation>
    </message>
    <message>
        <source>running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <source>%1: test top-1 %2%</source>
        <translation>%1：测试 top-1 %2%</translation>
    </message>
</context>
<context>
    <name>tleg::gui::ExpandPage</name>
    <message>
        <source>Learngene</source>
        <translation>学习基因</translation>
    </message>
    <message>
        <source>learngene.safetensors from the Learngene page or &apos;tleg distill&apos;</source>
        <translation>来自“学习基因”页面或 &apos;tleg distill&apos; 的 learngene.safetensors</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>No learngene loaded.</source>
        <translation>未加载学习基因。</translation>
    </message>
    <message>
        <source>Descendant depth</source>
        <translation>后代模型深度</translation>
    </message>
    <message>
        <source>layer l</source>
        <translation>第 l 层</translation>
    </message>
    <message>
        <source>c_l = (l-1)/L</source>
        <translation>c_l = (l-1)/L</translation>
    </message>
    <message>
        <source>Expand…</source>
        <translation>扩展…</translation>
    </message>
    <message>
        <source>Expand &amp;&amp; fine-tune</source>
        <translation>扩展 &amp;&amp; 微调</translation>
    </message>
    <message>
        <source>Save Des-Net</source>
        <translation>保存 Des-Net</translation>
    </message>
    <message>
        <source>safetensors (*.safetensors)</source>
        <translation>safetensors (*.safetensors)</translation>
    </message>
    <message>
        <source>Open learngene</source>
        <translation>打开学习基因</translation>
    </message>
    <message>
        <source>Learngene from a %1-block Aux-Net: width %2, %3 heads, %4 classes; expands %5 from block %6; %7 stored.</source>
        <translation>来自 %1 块 Aux-Net 的学习基因：宽度 %2，%3 个头，%4 个类别；从第 %6 块起扩展 %5；已存储 %7。</translation>
    </message>
    <message>
        <source>Open a learngene to preview its descendants.</source>
        <translation>打开学习基因以预览其后代模型。</translation>
    </message>
    <message>
        <source>expand</source>
        <translation>扩展</translation>
    </message>
    <message>
        <source>fine-tune depth %1</source>
        <translation>微调深度 %1</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <source>Cannot use %1: %2</source>
        <translation>无法使用 %1：%2</translation>
    </message>
    <message>
        <source>Depth %1: top-1 %2% (%3).</source>
        <translation>深度 %1：top-1 %2%（%3）。</translation>
    </message>
    <message>
        <source>Stopped; the checkpoint is in %1 (Runs ▸ Run again resumes it).</source>
        <translation>已停止；检查点位于 %1（运行 ▸ 再次运行可继续）。</translation>
    </message>
    <message>
        <source>Live curves</source>
        <translation>实时曲线</translation>
    </message>
    <message>
        <source>Several depths</source>
        <translation>多个深度</translation>
    </message>
    <message>
        <source>Fine-tune several depths from this learngene, each beside a scratch twin: the paper&apos;s Table 1.</source>
        <translation>从该学习基因微调多个深度，每个深度都附带从头训练的对照：即论文表 1。</translation>
    </message>
    <message>
        <source>Des-Net of depth %1: %2 parameters, %3 MACs per image
S-Params to initialise depths 1–%1: learngene %4, one model per depth %5 (%6×)</source>
        <translation>深度为 %1 的 Des-Net：%2 参数，每张图像 %3 MACs
初始化深度 1–%1 所需 S-Params：学习基因 %4，每个深度一个模型 %5（%6×）</translation>
    </message>
    <message>
        <source>Run settings</source>
        <translation>运行设置</translation>
    </message>
    <message>
        <source>Train on fewer images (Quick trial), name the run, tag it, note what it tries; the time it will take.</source>
        <translation>用更少的图像训练（快速试验）、为运行命名、加标签、记下它要尝试什么；以及所需时间。</translation>
    </message>
    <message>
        <source>The run goes on, but its tags and notes were not kept: %1</source>
        <translation>运行继续，但其标签和备注未能保存：%1</translation>
    </message>
    <message>
        <source>fine-tuned depth %1: test top-1 %2%</source>
        <translation>已微调深度 %1：测试 top-1 %2%</translation>
    </message>
</context>
<context>
    <name>tleg::gui::ExperimentPanel</name>
    <message>
        <source>smoke</source>
        <translation>冒烟测试</translation>
    </message>
    <message>
        <source>Seconds to a minute: tiny models on a few hundred images, to check that everything runs. The numbers mean little.</source>
        <translation>几秒到一分钟：在几百张图像上训练极小的模型，只为检查一切都能运行。得到的数字意义不大。</translation>
    </message>
    <message>
        <source>quick</source>
        <translation>快速</translation>
    </message>
    <message>
        <source>Small models on Fashion-MNIST: each experiment within about 30 minutes on a 2-core machine.</source>
        <translation>在 Fashion-MNIST 上训练小模型：每个实验在双核机器上约 30 分钟内完成。</translation>
    </message>
    <message>
        <source>full</source>
        <translation>完整</translation>
    </message>
    <message>
        <source>Longer training and more data: hours on a desktop machine.</source>
        <translation>更长的训练、更多的数据：在台式机上需要数小时。</translation>
    </message>
    <message>
        <source>Every model is trained once per seed; the tables give mean ± std.</source>
        <translation>每个模型对每个随机种子各训练一次；表格给出均值 ± 标准差。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Experiment:</source>
        <translation>实验：</translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation>预设：</translation>
    </message>
    <message>
        <source>Seeds:</source>
        <translation>随机种子数：</translation>
    </message>
    <message>
        <source>No results in %1 yet. Run the experiment to train its models and write its tables and plots there; models already in the cache are reused.</source>
        <translation>%1 中尚无结果。运行该实验即可训练其模型，并在此写入表格和图表；缓存中已有的模型会被复用。</translation>
    </message>
    <message>
        <source>Plots</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Another job is running (%1): wait for it or stop it.</source>
        <translation>另一个任务正在运行（%1）：请等待其结束或将其停止。</translation>
    </message>
    <message>
        <source>experiment %1 (%2)</source>
        <translation>实验 %1（%2）</translation>
    </message>
    <message>
        <source>%1: %2 models trained, %3 taken from the cache, %4 s</source>
        <translation>%1：训练了 %2 个模型，从缓存取用 %3 个，用时 %4 秒</translation>
    </message>
    <message>
        <source>Starting %1…</source>
        <translation>正在启动 %1…</translation>
    </message>
    <message>
        <source>%1 — running for %2</source>
        <translation>%1 — 已运行 %2</translation>
    </message>
    <message>
        <source>%1 — epoch %2 of %3, ETA of this stage %4; running for %5</source>
        <translation>%1 — 第 %2/%3 轮，本阶段预计剩余 %4；已运行 %5</translation>
    </message>
    <message>
        <source>The experiment failed after %1: %2</source>
        <translation>实验在运行 %1 后失败：%2</translation>
    </message>
    <message>
        <source>Stopped after %1. Every finished model stays in the cache: Run goes on from there.</source>
        <translation>运行 %1 后已停止。所有已完成的模型都保留在缓存中：再次运行将从那里继续。</translation>
    </message>
    <message>
        <source>Finished in %1: %2 models trained, %3 taken from the cache. Results in %4.</source>
        <translation>用时 %1 完成：训练了 %2 个模型，从缓存取用 %3 个。结果位于 %4。</translation>
    </message>
    <message>
        <source>Could not open %1 in the file manager.</source>
        <translation>无法在文件管理器中打开 %1。</translation>
    </message>
    <message>
        <source>The plots&apos; data cannot be read, showing the images instead: %1</source>
        <translation>无法读取图表数据，改为显示图片：%1</translation>
    </message>
    <message>
        <source>Released recipe</source>
        <translation>官方代码的配方</translation>
    </message>
    <message>
        <source>Train as the paper&apos;s released code does: the KL term divided by batch × classes and no gradient clipping (this tool&apos;s recipe divides by the batch and clips the gradient norm at 1.0). Results go to a folder of their own (…-released).</source>
        <translation>按论文官方代码的方式训练：KL 项除以 batch × classes（批大小 × 类别数），不做梯度裁剪（本工具的配方除以批大小，并把梯度范数裁剪到 1.0）。结果写入单独的文件夹（…-released）。</translation>
    </message>
    <message>
        <source>paper</source>
        <translation>论文</translation>
    </message>
    <message>
        <source>A well-trained ancestry (40 epochs on all of Fashion-MNIST, about 90 % top-1); the rest on 20,000 images: about 75 minutes for all seven on a 2-core machine in bf16. Stopped runs continue where they stopped.</source>
        <translation>充分训练的祖先模型（在全部 Fashion-MNIST 上训练 40 轮，约 90% top-1）；其余在 20,000 张图像上：在 2 核机器上以 bf16 运行全部七个实验约需 75 分钟。停止的运行会从停止处继续。</translation>
    </message>
</context>
<context>
    <name>tleg::gui::Format</name>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 G</source>
        <translation>%1 G</translation>
    </message>
    <message>
        <source>%1 M</source>
        <translation>%1 M</translation>
    </message>
    <message numerus="yes">
        <source>%n epoch(s)</source>
        <translation>
            <numerusform>%n 轮</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tleg::gui::ImportSettings</name>
    <message>
        <source>DeiT (distilled)</source>
        <translation>DeiT（蒸馏版）</translation>
    </message>
    <message>
        <source>TorchScript</source>
        <translation>TorchScript</translation>
    </message>
    <message>
        <source>TLEG Studio model (%1)</source>
        <translation>TLEG Studio 模型（%1）</translation>
    </message>
    <message>
        <source>import settings (%1)</source>
        <translation>导入设置（%1）</translation>
    </message>
    <message>
        <source>Attention heads:</source>
        <translation>注意力头数：</translation>
    </message>
    <message>
        <source>Image size:</source>
        <translation>图像尺寸：</translation>
    </message>
    <message>
        <source>Mean:</source>
        <translation>均值：</translation>
    </message>
    <message>
        <source>Std:</source>
        <translation>标准差：</translation>
    </message>
    <message>
        <source>Teacher class map:</source>
        <translation>教师类别映射：</translation>
    </message>
    <message>
        <source>from the file</source>
        <translation>取自文件</translation>
    </message>
    <message>
        <source>Attention heads of a timm, DeiT or torchvision checkpoint without a config beside it (--teacher-heads on the command line)</source>
        <translation>旁边没有配置文件的 timm、DeiT 或 torchvision 检查点的注意力头数（命令行中为 --teacher-heads）</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>The image size the model takes; a ViT&apos;s must match its position embedding (--teacher-image-size)</source>
        <translation>模型接受的图像尺寸；ViT 的尺寸必须与其位置嵌入一致（--teacher-image-size）</translation>
    </message>
    <message>
        <source>from the file, e.g. 0.485, 0.456, 0.406</source>
        <translation>取自文件，例如 0.485, 0.456, 0.406</translation>
    </message>
    <message>
        <source>Per-channel mean of the images the model was trained on, of pixels in [0, 1] (--teacher-mean)</source>
        <translation>模型训练所用图像每个通道的均值，像素取值范围 [0, 1]（--teacher-mean）</translation>
    </message>
    <message>
        <source>from the file, e.g. 0.229, 0.224, 0.225</source>
        <translation>取自文件，例如 0.229, 0.224, 0.225</translation>
    </message>
    <message>
        <source>Per-channel standard deviation, with the mean (--teacher-std)</source>
        <translation>每个通道的标准差，与均值一起给出（--teacher-std）</translation>
    </message>
    <message>
        <source>none: its classes are the data&apos;s</source>
        <translation>无：其类别即数据的类别</translation>
    </message>
    <message>
        <source>The teacher class of each data class, in the data&apos;s order: &quot;0,217,482&quot; or a file with one index a line (--teacher-class-map)</source>
        <translation>按数据类别顺序给出每个数据类别对应的教师类别：“0,217,482”，或每行一个索引的文件（--teacher-class-map）</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Load the model again with these settings</source>
        <translation>使用这些设置重新加载模型</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Format: %1. The file does not say what it takes: the image size and mean/std given here are used, else the data&apos;s.</source>
        <translation>格式：%1。该文件未说明其输入：使用此处给出的图像尺寸和均值/标准差，否则使用数据的。</translation>
    </message>
    <message>
        <source>Format: %1. Its architecture and normalisation are in the file; mean/std given here replace its own.</source>
        <translation>格式：%1。其架构和归一化记录在文件中；此处给出的均值/标准差将替换文件中的值。</translation>
    </message>
    <message>
        <source>Format: %1, inferred from its tensor shapes and the configs beside it:</source>
        <translation>格式：%1，根据其张量形状及旁边的配置文件推断：</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>注：%1</translation>
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
        <translation>自定义</translation>
    </message>
    <message>
        <source>Partial expansion (paper Table 6): blocks below this one are ordinary independent blocks; from it on, blocks are linearly expanded. 1 expands every block.</source>
        <translation>部分扩展（论文表 6）：此块之前的块为普通的独立块；从此块起，各块线性扩展。1 表示扩展所有块。</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Patch</source>
        <translation>Patch</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <source>Heads</source>
        <translation>头数</translation>
    </message>
    <message>
        <source>Depth L</source>
        <translation>深度 L</translation>
    </message>
    <message>
        <source>Expand from</source>
        <translation>扩展起始块</translation>
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
        <translation>扩展</translation>
    </message>
    <message>
        <source>Share one block instead (Share-Init baseline)</source>
        <translation>改为共享一个块（Share-Init 基线）</translation>
    </message>
    <message>
        <source>Distillation</source>
        <translation>蒸馏</translation>
    </message>
    <message>
        <source>bf16 matmuls</source>
        <translation>bf16 矩阵乘法</translation>
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
        <translation>轮数</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>LR</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>This Aux-Net cannot be built: %1</source>
        <translation>无法构建此 Aux-Net：%1</translation>
    </message>
    <message>
        <source>Choose at least one of MSA, MLP and LN to expand.</source>
        <translation>请至少选择 MSA、MLP 和 LN 中的一项进行扩展。</translation>
    </message>
    <message>
        <source>No preview: the settings do not make an Aux-Net yet.</source>
        <translation>无预览：当前设置尚不能构成 Aux-Net。</translation>
    </message>
    <message>
        <source>Blocks %1–%2 share one block θ_B.</source>
        <translation>第 %1–%2 块共享同一个块 θ_B。</translation>
    </message>
    <message>
        <source>Block l = %1–%2 is θ_B + (l−1)/%2·θ_A.</source>
        <translation>第 l 块（l = %1–%2）为 θ_B + (l−1)/%2·θ_A。</translation>
    </message>
    <message>
        <source>Blocks 1–%1 are independent.</source>
        <translation>第 1–%1 块相互独立。</translation>
    </message>
    <message>
        <source>Aux-Net: %1 trainable parameters.
Learngene: %2 stored parameters (S-Params, head excluded).
%3 %4</source>
        <translation>Aux-Net：%1 个可训练参数。
学习基因：%2 个存储参数（S-Params，不含分类头）。
%3 %4</translation>
    </message>
    <message>
        <source>Temperature τ of the soft distillation (paper Eq. 6): teacher and student logits are divided by τ before the softmax, so τ &gt; 1 softens both distributions and passes on more of how the teacher ranks the wrong classes; the KL term is multiplied by τ² to keep its gradients in scale. The released code uses τ = 1.</source>
        <translation>软蒸馏的温度 τ（论文式 6）：教师和学生的 logits 在 softmax 之前除以 τ；τ &gt; 1 会使两个分布更平滑，传递更多教师对错误类别的排序信息。KL 项乘以 τ² 以保持梯度的量级。已发布代码使用 τ = 1。</translation>
    </message>
    <message>
        <source>Weight λ of the distillation term (paper Eq. 5): Loss = (1−λ)·CE(student, labels) + λ·τ²·KL(teacher ‖ student). λ = 1 is pure distillation (the released code&apos;s default), λ = 0 learns from the labels alone.</source>
        <translation>蒸馏项的权重 λ（论文式 5）：损失 = (1−λ)·CE(学生, 标签) + λ·τ²·KL(教师 ‖ 学生)。λ = 1 为纯蒸馏（已发布代码的默认值），λ = 0 则仅从标签学习。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Released recipe</source>
        <translation>官方代码的配方</translation>
    </message>
    <message>
        <source>Train as the paper&apos;s released code does (after DeiT): the KL term divided by batch × classes instead of by the batch as in the paper&apos;s Eq. 6 (the distillation term becomes 1/classes as large), and no gradient clipping (this tool clips the gradient norm at 1.0). For exact reproduction of the released code.</source>
        <translation>按论文官方代码的方式训练（沿用 DeiT）：KL 项除以 batch × classes（批大小 × 类别数），而不是像论文公式 6 那样除以批大小（蒸馏项缩小为 1/类别数），并且不做梯度裁剪（本工具把梯度范数裁剪到 1.0）。用于精确复现官方代码。</translation>
    </message>
</context>
<context>
    <name>tleg::gui::LearngenePage</name>
    <message>
        <source>Teacher (ancestry model):</source>
        <translation>教师模型（祖先模型）：</translation>
    </message>
    <message>
        <source>model.safetensors from the Ancestry page, or a TorchScript .pt</source>
        <translation>来自“祖先模型”页面的 model.safetensors，或 TorchScript .pt 文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Open a dataset on the Data page first.</source>
        <translation>请先在“数据”页面打开一个数据集。</translation>
    </message>
    <message>
        <source>Distillation (λ &gt; 0) needs a teacher: choose the ancestry model above, or set λ to 0 to train the Aux-Net from the labels alone.</source>
        <translation>蒸馏（λ &gt; 0）需要教师模型：请在上方选择祖先模型，或将 λ 设为 0 以仅用标签训练 Aux-Net。</translation>
    </message>
    <message>
        <source>The teacher file %1 does not exist.</source>
        <translation>教师模型文件 %1 不存在。</translation>
    </message>
    <message>
        <source>Another job is running (%1): wait for it or stop it.</source>
        <translation>另一个任务正在运行（%1）：请等待其结束或将其停止。</translation>
    </message>
    <message>
        <source>λ = 0: the Aux-Net learns from the labels alone; the teacher is not used.</source>
        <translation>λ = 0：Aux-Net 仅从标签学习，不使用教师模型。</translation>
    </message>
    <message>
        <source>Choose the ancestry model</source>
        <translation>选择祖先模型</translation>
    </message>
    <message>
        <source>distill</source>
        <translation>蒸馏</translation>
    </message>
    <message>
        <source>Distillation failed: %1</source>
        <translation>蒸馏失败：%1</translation>
    </message>
    <message>
        <source>Learngene saved: %1</source>
        <translation>学习基因已保存：%1</translation>
    </message>
    <message>
        <source>Cannot use the teacher: %1</source>
        <translation>无法使用教师模型：%1</translation>
    </message>
    <message>
        <source>distillation stopped after %1; the checkpoint is in %2</source>
        <translation>蒸馏在 %1 后停止；检查点位于 %2</translation>
    </message>
    <message>
        <source>Cannot use the teacher: %1 (the Ancestry page&apos;s import settings set it)</source>
        <translation>无法使用教师模型：%1（可在“祖先模型”页的导入设置中设定）</translation>
    </message>
    <message>
        <source>Checking the teacher against the data…</source>
        <translation>正在用数据检查教师模型…</translation>
    </message>
    <message>
        <source>Teacher: %1</source>
        <translation>教师模型：%1</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pt *.pth);;TLEG, timm, DeiT, torchvision or Hugging Face (*.safetensors);;TorchScript (*.pt *.pth);;All files (*)</source>
        <translation>模型 (*.safetensors *.pt *.pth);;TLEG、timm、DeiT、torchvision 或 Hugging Face (*.safetensors);;TorchScript (*.pt *.pth);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Resuming %1 after epoch %2…</source>
        <translation>正在从第 %2 轮之后继续 %1…</translation>
    </message>
    <message>
        <source>learngene of epoch %1 of %2 written to %3</source>
        <translation>第 %1 轮（共 %2 轮）的学习基因已写入 %3</translation>
    </message>
    <message>
        <source>The learngene of the finished epochs could not be written: %1</source>
        <translation>无法写入已完成轮次的学习基因：%1</translation>
    </message>
    <message>
        <source>The finished epochs stay in %1 (checkpoint.safetensors), but their learngene could not be written: %2</source>
        <translation>已完成的轮次保留在 %1（checkpoint.safetensors）中，但无法写入其学习基因：%2</translation>
    </message>
    <message>
        <source>Stopped before the first epoch finished: nothing to keep or resume in %1.</source>
        <translation>在第一轮完成之前已停止：%1 中没有可保留或继续的内容。</translation>
    </message>
    <message>
        <source>Failed after epoch %1 of %2. The learngene of that epoch is open: %3. Resume continues the run from its checkpoint.</source>
        <translation>在第 %1 轮（共 %2 轮）之后失败。该轮的学习基因已打开：%3。“继续”会从检查点继续此运行。</translation>
    </message>
    <message>
        <source>Stopped after epoch %1 of %2. The learngene of that epoch is open: %3. Resume continues the run from its checkpoint.</source>
        <translation>在第 %1 轮（共 %2 轮）之后停止。该轮的学习基因已打开：%3。“继续”会从检查点继续此运行。</translation>
    </message>
    <message>
        <source>Continue %1 from its checkpoint (epoch %2 of %3)</source>
        <translation>从检查点继续 %1（第 %2 轮，共 %3 轮）</translation>
    </message>
    <message>
        <source>The run goes on, but its tags and notes were not kept: %1</source>
        <translation>运行继续，但其标签和备注未能保存：%1</translation>
    </message>
    <message>
        <source>Aux-Net test top-1 %1%; learngene (%2 stored parameters) written to %3</source>
        <translation>Aux-Net 测试 top-1 %1%；learngene（%2 个存储参数）已写入 %3</translation>
    </message>
</context>
<context>
    <name>tleg::gui::LinearityPage</name>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Checkpoints to analyse: safetensors (ancestry, Aux-Net, Des-Net, timm, torchvision or Hugging Face names) or TorchScript</source>
        <translation>要分析的检查点：safetensors（祖先模型、Aux-Net、Des-Net、timm、torchvision 或 Hugging Face 命名）或 TorchScript</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Export results…</source>
        <translation>导出结果…</translation>
    </message>
    <message>
        <source>Every figure of every model as JSON, or the per-layer points as CSV (as &apos;tleg pca&apos; writes them)</source>
        <translation>将所有模型的全部图表导出为 JSON，或将逐层数据点导出为 CSV（与 &apos;tleg pca&apos; 的输出相同）</translation>
    </message>
    <message>
        <source>Parameter kind:</source>
        <translation>参数类型：</translation>
    </message>
    <message>
        <source>Export linearity results</source>
        <translation>导出线性度结果</translation>
    </message>
    <message>
        <source>JSON, every figure (*.json);;CSV, per-layer points (*.csv)</source>
        <translation>JSON，全部图表 (*.json);;CSV，逐层数据点 (*.csv)</translation>
    </message>
    <message>
        <source>linearity results written to %1</source>
        <translation>线性度结果已写入 %1</translation>
    </message>
    <message>
        <source>Open checkpoints</source>
        <translation>打开检查点</translation>
    </message>
    <message>
        <source>Checkpoints (*.safetensors *.pt *.pth *.ts);;All files (*)</source>
        <translation>检查点 (*.safetensors *.pt *.pth *.ts);;所有文件 (*)</translation>
    </message>
    <message>
        <source>linearity: analysing %1</source>
        <translation>线性度：正在分析 %1</translation>
    </message>
    <message>
        <source>Cannot analyse %1: %2</source>
        <translation>无法分析 %1：%2</translation>
    </message>
    <message>
        <source>linearity: failed: %1</source>
        <translation>线性度：失败：%1</translation>
    </message>
    <message>
        <source>%1 (analysing…)</source>
        <translation>%1（分析中…）</translation>
    </message>
    <message>
        <source>%1
%2
%3 blocks, %4 parameters</source>
        <translation>%1
%2
%3 个块，%4 个参数</translation>
    </message>
    <message numerus="yes">
        <source>Analysing %n file(s) on a background thread…</source>
        <translation>
            <numerusform>正在后台线程中分析 %n 个文件…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n model(s). A linearly expanded model scores R² = 1 for every kind; click a table row to show it, hover a heat-map cell to name it.</source>
        <translation>
            <numerusform>%n 个模型。线性扩展的模型在每种类型上 R² 均为 1；单击表格行可显示该项，将鼠标悬停在热力图单元格上可查看其名称。</numerusform>
        </translation>
    </message>
    <message>
        <source>Open one or more checkpoints to see how their weights change with depth (paper Fig. 1): PCA of the per-layer weights of each kind, and how well a straight line explains PC1.</source>
        <translation>打开一个或多个检查点，查看其权重如何随深度变化（论文图 1）：对每种类型的逐层权重做 PCA，并查看直线对 PC1 的解释程度。</translation>
    </message>
    <message>
        <source>linearity: %1: %2 blocks, whole-block R² %3 (chance level %4)</source>
        <translation>线性：%1：%2 个块，整块 R² %3（随机水平 %4）</translation>
    </message>
</context>
<context>
    <name>tleg::gui::LinearityPlotTabs</name>
    <message>
        <source>PC1 against depth</source>
        <translation>PC1 随深度变化</translation>
    </message>
    <message>
        <source>PC1–PC2 trajectory</source>
        <translation>PC1–PC2 轨迹</translation>
    </message>
    <message>
        <source>R² heat map</source>
        <translation>R² 热力图</translation>
    </message>
    <message>
        <source>Explained variance</source>
        <translation>解释方差</translation>
    </message>
</context>
<context>
    <name>tleg::gui::LinearityTable</name>
    <message>
        <source>n/a</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>R²</source>
        <translation>R²</translation>
    </message>
    <message>
        <source>Slope</source>
        <translation>斜率</translation>
    </message>
    <message>
        <source>PC1 var. %</source>
        <translation>PC1 方差 %</translation>
    </message>
    <message>
        <source>PC2 var. %</source>
        <translation>PC2 方差 %</translation>
    </message>
    <message>
        <source>Residual</source>
        <translation>残差</translation>
    </message>
    <message>
        <source>How far the weights are from the best θ_l = θ_B + (l/L)·θ_A a learngene could express: ‖X − fit‖ / ‖X − mean‖ (0 = exactly linear)</source>
        <translation>权重与学习基因所能表达的最佳 θ_l = θ_B + (l/L)·θ_A 之间的距离：‖X − fit‖ / ‖X − mean‖（0 = 完全线性）</translation>
    </message>
    <message>
        <source>R² of a straight line through PC1 against layer index</source>
        <translation>PC1 对层索引做直线拟合的 R²</translation>
    </message>
    <message>
        <source>Chance R² (p)</source>
        <translation>随机水平 R²（p）</translation>
    </message>
    <message>
        <source>The R² a shuffled layer order gives on average: about 1/(L − 1) for weights without any trend (0.2 for 6 blocks). p: the share of shuffled orders whose R² is at least this model&apos;s; a small p means the trend with depth is not chance.</source>
        <translation>打乱层顺序后平均得到的 R²：对没有任何趋势的权重约为 1/(L − 1)（6 个块时为 0.2）。p：R² 不低于本模型的打乱顺序所占的比例；p 小说明随深度的趋势不是偶然。</translation>
    </message>
    <message>
        <source>%1 (p %2)</source>
        <translation>%1（p %2）</translation>
    </message>
</context>
<context>
    <name>tleg::gui::MainWindow</name>
    <message>
        <source>started: %1</source>
        <translation>已开始：%1</translation>
    </message>
    <message>
        <source>failed: %1: %2</source>
        <translation>失败：%1：%2</translation>
    </message>
    <message>
        <source>stopped: %1</source>
        <translation>已停止：%1</translation>
    </message>
    <message>
        <source>finished: %1</source>
        <translation>已完成：%1</translation>
    </message>
    <message>
        <source>data: %1, %2 train / %3 test images</source>
        <translation>数据：%1，%2 张训练 / %3 张测试图像</translation>
    </message>
    <message>
        <source>TLEG Studio</source>
        <translation>TLEG Studio</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Ancestry</source>
        <translation>祖先模型</translation>
    </message>
    <message>
        <source>Learngene</source>
        <translation>学习基因</translation>
    </message>
    <message>
        <source>Linearity</source>
        <translation>线性度</translation>
    </message>
    <message>
        <source>Expand</source>
        <translation>扩展</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open model or learngene…</source>
        <translation>打开模型或学习基因(&amp;O)…</translation>
    </message>
    <message>
        <source>Open model or learngene</source>
        <translation>打开模型或学习基因</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pt *.pth);;All files (*)</source>
        <translation>模型 (*.safetensors *.pt *.pth);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark theme</source>
        <translation>深色主题(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About TLEG Studio</source>
        <translation>关于 TLEG Studio(&amp;A)</translation>
    </message>
    <message>
        <source>About TLEG Studio</source>
        <translation>关于 TLEG Studio</translation>
    </message>
    <message>
        <source>TLEG Studio produces and initialises Vision Transformers of many depths from one compact learngene, as in &quot;Transformer as Linear Expansion of Learngene&quot; (Xia et al., AAAI 2024).</source>
        <translation>TLEG Studio 从一个紧凑的学习基因出发，生成并初始化多种深度的 Vision Transformer，方法见论文“Transformer as Linear Expansion of Learngene”（Xia 等，AAAI 2024）。</translation>
    </message>
    <message>
        <source>run folder: %1</source>
        <translation>运行文件夹：%1</translation>
    </message>
    <message>
        <source>No translation for %1 is available.</source>
        <translation>没有可用的 %1 翻译。</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>清除列表</translation>
    </message>
    <message>
        <source>%1 — epoch %2/%3, loss %4, ETA %5</source>
        <translation>%1 — 第 %2/%3 轮，损失 %4，ETA %5</translation>
    </message>
    <message>
        <source>A job is running</source>
        <translation>有任务正在运行</translation>
    </message>
    <message>
        <source>%1 is still running. Stop it and quit? Finished epochs stay in the run folder.</source>
        <translation>%1 仍在运行。要停止它并退出吗？已完成的轮次会保留在运行文件夹中。</translation>
    </message>
    <message>
        <source>%1: opened on the Linearity page (the Ancestry page loads a model when no job runs).</source>
        <translation>%1：已在“线性度”页面打开（“祖先模型”页面只在没有任务运行时加载模型）。</translation>
    </message>
    <message>
        <source>No run %1 in %2.</source>
        <translation>%2 中没有运行记录 %1。</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>版本 %1</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>A dataset is open.</source>
        <translation>已打开数据集。</translation>
    </message>
    <message>
        <source>An ancestry model is open: it is the teacher.</source>
        <translation>已打开祖先模型：它是教师。</translation>
    </message>
    <message>
        <source>A learngene is open on the Expand page.</source>
        <translation>扩展页已打开学习基因。</translation>
    </message>
    <message>
        <source>A model&apos;s weights were analysed.</source>
        <translation>已分析一个模型的权重。</translation>
    </message>
    <message numerus="yes">
        <source>%n Des-Net(s) fine-tuned.</source>
        <translation>
            <numerusform>已微调 %n 个 Des-Net。</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Go to</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Workflow</source>
        <translation>工作流程(&amp;W)</translation>
    </message>
    <message>
        <source>Open a dataset (Fashion-MNIST is there already; CIFAR, IDX files or a folder of images per class).</source>
        <translation>打开数据集（Fashion-MNIST 已自带；也可用 CIFAR、IDX 文件或每类一个子文件夹的图像）。</translation>
    </message>
    <message>
        <source>Train an ancestry model, or open one you have (TLEG Studio, timm, Hugging Face, torchvision or TorchScript): it becomes the teacher.</source>
        <translation>训练一个祖先模型，或打开已有模型（TLEG Studio、timm、Hugging Face、torchvision 或 TorchScript）：它将作为教师。</translation>
    </message>
    <message>
        <source>Distil a learngene: an Aux-Net whose blocks are θ_B + (l−1)/L·θ_A learns from the teacher; the learngene (θ_A, θ_B) is written at the end.</source>
        <translation>蒸馏学习基因：块为 θ_B + (l−1)/L·θ_A 的辅助网络向教师学习；结束时写出学习基因 (θ_A, θ_B)。</translation>
    </message>
    <message>
        <source>Check on the Linearity page whether the weights change linearly with depth (PCA trajectories, R² per layer kind).</source>
        <translation>在线性度页检查权重是否随深度线性变化（PCA 轨迹、每种层的 R²）。</translation>
    </message>
    <message>
        <source>Expand the learngene into descendants of any depth and fine-tune them, one or several depths at once, beside scratch twins.</source>
        <translation>将学习基因扩展为任意深度的后代并微调，可一次一个或多个深度，并附带从头训练的对照。</translation>
    </message>
    <message>
        <source>Compare the runs: curves, hyperparameters, and the paper&apos;s experiments.</source>
        <translation>比较各次运行：曲线、超参数以及论文中的实验。</translation>
    </message>
    <message>
        <source>The TLEG workflow</source>
        <translation>TLEG 工作流程</translation>
    </message>
    <message>
        <source>Workflow</source>
        <translation>工作流程</translation>
    </message>
    <message>
        <source>&amp;Inspect weights…</source>
        <translation>查看权重(&amp;I)…</translation>
    </message>
    <message>
        <source>Inspect weights</source>
        <translation>查看权重</translation>
    </message>
    <message>
        <source>safetensors (*.safetensors);;All files (*)</source>
        <translation>safetensors (*.safetensors);;所有文件 (*)</translation>
    </message>
    <message>
        <source>%1 — paused</source>
        <translation>%1 — 已暂停</translation>
    </message>
    <message>
        <source>Save &amp;workspace…</source>
        <translation>保存工作区(&amp;W)…</translation>
    </message>
    <message>
        <source>Save workspace</source>
        <translation>保存工作区</translation>
    </message>
    <message>
        <source>TLEG Studio workspace (*.tleg-workspace)</source>
        <translation>TLEG Studio 工作区 (*.tleg-workspace)</translation>
    </message>
    <message>
        <source>Open wor&amp;kspace…</source>
        <translation>打开工作区(&amp;K)…</translation>
    </message>
    <message>
        <source>Open workspace</source>
        <translation>打开工作区</translation>
    </message>
    <message>
        <source>TLEG Studio workspace (*.tleg-workspace);;All files (*)</source>
        <translation>TLEG Studio 工作区 (*.tleg-workspace);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The workspace could not be kept: %1</source>
        <translation>无法保存工作区：%1</translation>
    </message>
    <message>
        <source>workspace: %1</source>
        <translation>工作区：%1</translation>
    </message>
    <message>
        <source>&amp;Add to Linearity…</source>
        <translation>添加到线性度(&amp;A)…</translation>
    </message>
    <message>
        <source>Add to Linearity</source>
        <translation>添加到线性度</translation>
    </message>
    <message>
        <source>Models (*.safetensors);;All files (*)</source>
        <translation>模型 (*.safetensors);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Compare models&apos; weights on the Linearity page; the teacher stays.</source>
        <translation>在线性度页比较模型权重；教师模型保持不变。</translation>
    </message>
    <message>
        <source>%1 becomes the teacher in place of %2 (File ▸ Open recent brings it back; File ▸ Add to Linearity compares a model without replacing the teacher).</source>
        <translation>%1 取代 %2 成为教师模型（文件 ▸ 最近打开 可将其找回；文件 ▸ 添加到线性度 可比较模型而不替换教师模型）。</translation>
    </message>
    <message>
        <source>%1: not a model file; not added to the Linearity page.</source>
        <translation>%1：不是模型文件；未添加到线性度页。</translation>
    </message>
</context>
<context>
    <name>tleg::gui::RunCurves</name>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>images seen</source>
        <translation>已见图像数</translation>
    </message>
    <message>
        <source>wall time (min)</source>
        <translation>用时（分钟）</translation>
    </message>
</context>
<context>
    <name>tleg::gui::RunSetup</name>
    <message>
        <source>%1 is made for %2-px images; these are %3 px, so each image is %4 patches of %5 px%6.</source>
        <translation>%1 是为 %2 像素的图像设计的；这些图像为 %3 像素，因此每张图像是 %4 个 %5 像素的图块%6。</translation>
    </message>
    <message>
        <source> (slow: consider a smaller preset)</source>
        <translation>（较慢：可考虑更小的预设）</translation>
    </message>
    <message>
        <source> (too few to learn much)</source>
        <translation>（太少，难以学到多少）</translation>
    </message>
    <message>
        <source>Train on</source>
        <translation>训练数据</translation>
    </message>
    <message>
        <source>Run name</source>
        <translation>运行名称</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>all images</source>
        <translation>全部图像</translation>
    </message>
    <message>
        <source> images</source>
        <translation> 张图像</translation>
    </message>
    <message>
        <source>Train on a seeded random subset of this many of the open training images (the run records it, so Run again draws the same ones).</source>
        <translation>在已打开训练图像中按固定种子随机抽取这么多张进行训练（运行会记录下来，因此“再次运行”会抽取相同的图像）。</translation>
    </message>
    <message>
        <source>Quick trial</source>
        <translation>快速试验</translation>
    </message>
    <message>
        <source>%1 training images, %2 test images, 1 epoch: to see that everything works before a long run.</source>
        <translation>%1 张训练图像、%2 张测试图像、1 轮：在长时间运行前确认一切正常。</translation>
    </message>
    <message>
        <source> (the default)</source>
        <translation>（默认）</translation>
    </message>
    <message>
        <source>The run&apos;s folder name in the run folder (-2, -3, … is added when it exists). Rename it later on the Runs page.</source>
        <translation>运行在运行文件夹中的文件夹名（已存在时追加 -2、-3…）。之后可在运行页重命名。</translation>
    </message>
    <message>
        <source>comma-separated, e.g. baseline, lr sweep</source>
        <translation>以逗号分隔，例如 baseline, lr sweep</translation>
    </message>
    <message>
        <source>what this run tries</source>
        <translation>本次运行要尝试什么</translation>
    </message>
    <message>
        <source>Kept in notes.json beside the run; edit it on the Runs page.</source>
        <translation>保存在运行旁的 notes.json 中；可在运行页编辑。</translation>
    </message>
    <message>
        <source>Run name &apos;%1&apos; is not a plain folder name (no &apos;/&apos;).</source>
        <translation>运行名称“%1”不是简单的文件夹名（不能含“/”）。</translation>
    </message>
    <message>
        <source>Tags: %1</source>
        <translation>标签：%1</translation>
    </message>
    <message>
        <source>%1 images × %2</source>
        <translation>%1 张图像 × %2</translation>
    </message>
    <message>
        <source>%1 of %2 images × %3</source>
        <translation>%2 张图像中的 %1 张 × %3</translation>
    </message>
    <message>
        <source>: about %1 on this machine (%2 images/s measured)</source>
        <translation>：在本机上约需 %1（实测 %2 张图像/秒）</translation>
    </message>
    <message>
        <source>a second</source>
        <translation>一秒</translation>
    </message>
    <message>
        <source>: measuring this machine&apos;s speed…</source>
        <translation>：正在测量本机速度…</translation>
    </message>
    <message>
        <source>: the time is estimated when no job runs</source>
        <translation>：没有任务运行时再估计时间</translation>
    </message>
</context>
<context>
    <name>tleg::gui::RunsModel</name>
    <message>
        <source>Could not read the run %1: %2</source>
        <translation>无法读取运行记录 %1：%2</translation>
    </message>
    <message>
        <source>There is no run in %1.</source>
        <translation>%1 中没有运行记录。</translation>
    </message>
</context>
<context>
    <name>tleg::gui::RunsPage</name>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Validation top-1</source>
        <translation>验证 top-1</translation>
    </message>
    <message>
        <source>top-1 (%)</source>
        <translation>top-1 (%)</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Could not list the runs in %1: %2</source>
        <translation>无法列出 %1 中的运行记录：%2</translation>
    </message>
    <message>
        <source>Looking for runs in %1…</source>
        <translation>正在 %1 中查找运行记录…</translation>
    </message>
    <message>
        <source>No runs in %1 yet. Every training run writes a folder here.</source>
        <translation>%1 中尚无运行记录。每次训练运行都会在此处写入一个文件夹。</translation>
    </message>
    <message>
        <source>Could not rename the run: %1</source>
        <translation>无法重命名运行记录：%1</translation>
    </message>
    <message>
        <source>Renamed, but the run could not be read again: %1</source>
        <translation>已重命名，但无法重新读取该运行记录：%1</translation>
    </message>
    <message>
        <source>Could not delete the run: %1</source>
        <translation>无法删除运行记录：%1</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Rename run</source>
        <translation>重命名运行记录</translation>
    </message>
    <message>
        <source>New name of the run folder:</source>
        <translation>运行文件夹的新名称：</translation>
    </message>
    <message>
        <source>Delete the run folder %1 and everything in it? This cannot be undone.</source>
        <translation>要删除运行文件夹 %1 及其中的所有内容吗？此操作无法撤销。</translation>
    </message>
    <message>
        <source>%1

A selected run seems to be still training; its job will fail.</source>
        <translation>%1

某个所选运行记录似乎仍在训练；其任务将会失败。</translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation>删除运行记录</translation>
    </message>
    <message>
        <source>Export the runs table</source>
        <translation>导出运行记录表</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not open %1 in the file manager.</source>
        <translation>无法在文件管理器中打开 %1。</translation>
    </message>
    <message>
        <source>Runs in %1: %2. Select rows to compare their curves.</source>
        <translation>%1 中的运行记录：%2。选择多行以比较其曲线。</translation>
    </message>
    <message>
        <source>Delete these %1 run folders and everything in them? This cannot be undone.</source>
        <translation>删除这 %1 个运行文件夹及其全部内容？此操作无法撤销。</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>Experiments</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation>再次运行</translation>
    </message>
    <message>
        <source>Train the selected run once more from its config.json: the same data, model, options and seed, into a new folder</source>
        <translation>按所选运行的 config.json 再训练一次：相同的数据、模型、选项和随机种子，写入新文件夹</translation>
    </message>
    <message>
        <source>%1 is running: wait for it or stop it, then run again.</source>
        <translation>%1 正在运行：请等待其结束或将其停止，然后再次运行。</translation>
    </message>
    <message>
        <source>Cannot run %1 again: %2</source>
        <translation>无法再次运行 %1：%2</translation>
    </message>
    <message>
        <source>run again %1</source>
        <translation>再次运行 %1</translation>
    </message>
    <message>
        <source>Running %1 again failed: %2</source>
        <translation>再次运行 %1 失败：%2</translation>
    </message>
    <message>
        <source>Cannot read the run %1: %2</source>
        <translation>无法读取运行记录 %1：%2</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>曲线</translation>
    </message>
    <message>
        <source>Differences</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>The settings (config.json) that differ between the selected runs.</source>
        <translation>所选运行之间不同的设置（config.json）。</translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>Exponential moving average as in TensorBoard (weight 0 … 0.95, debiased); the raw curve stays faint behind.</source>
        <translation>与 TensorBoard 相同的指数移动平均（权重 0 … 0.95，已去偏）；原始曲线淡显于其后。</translation>
    </message>
    <message>
        <source>Log-scale loss</source>
        <translation>损失取对数坐标</translation>
    </message>
    <message>
        <source>x axis</source>
        <translation>x 轴</translation>
    </message>
    <message>
        <source>Select two or more runs to see how their settings differ.</source>
        <translation>选择两个或更多运行以查看其设置差异。</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Tags and notes…</source>
        <translation>标签和备注…</translation>
    </message>
    <message>
        <source>Could not keep the tags and notes: %1</source>
        <translation>无法保存标签和备注：%1</translation>
    </message>
    <message>
        <source>Saved, but the run could not be read again: %1</source>
        <translation>已保存，但无法重新读取该运行记录：%1</translation>
    </message>
    <message>
        <source>Tags and notes of %1</source>
        <translation>%1 的标签和备注</translation>
    </message>
    <message>
        <source>comma-separated, e.g. baseline, lr sweep</source>
        <translation>以逗号分隔，例如 baseline, lr sweep</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>tleg::gui::RunsTable</name>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>incomplete</source>
        <translation>不完整</translation>
    </message>
    <message>
        <source>broken</source>
        <translation>已损坏</translation>
    </message>
    <message>
        <source>ancestry</source>
        <translation>祖先模型</translation>
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
        <translation>从头训练</translation>
    </message>
    <message>
        <source>fine-tune</source>
        <translation>微调</translation>
    </message>
    <message>
        <source>pretrain</source>
        <translation>预训练</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Depth</source>
        <translation>深度</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>data: %1</source>
        <translation>数据：%1</translation>
    </message>
    <message>
        <source>teacher: %1</source>
        <translation>教师模型：%1</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>notes: %1</source>
        <translation>备注：%1</translation>
    </message>
    <message>
        <source>Val top-1 (%)</source>
        <translation>验证 top-1 (%)</translation>
    </message>
    <message>
        <source>Test top-1 (%)</source>
        <translation>测试 top-1 (%)</translation>
    </message>
    <message>
        <source>Epoch %1: the best on the validation images held out of the training data</source>
        <translation>第 %1 轮：在从训练数据中留出的验证图像上最好的一轮</translation>
    </message>
    <message>
        <source>No validation images were held out: every epoch was scored on the test set and the last one kept</source>
        <translation>未留出验证图像：每轮都在测试集上评分，并保留最后一轮</translation>
    </message>
    <message>
        <source>The model of epoch %1 on the test set</source>
        <translation>第 %1 轮的模型在测试集上的结果</translation>
    </message>
    <message>
        <source>Scored on the test set once, when the run has finished</source>
        <translation>运行结束时在测试集上评分一次</translation>
    </message>
</context>
<context>
    <name>tleg::gui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>all cores (%1)</source>
        <translation>所有核心（%1）</translation>
    </message>
    <message>
        <source>Threads for training:</source>
        <translation>训练线程数：</translation>
    </message>
    <message>
        <source>bfloat16 matrix products (faster on CPUs with AVX-512 BF16 or AMX)</source>
        <translation>bfloat16 矩阵乘法（在支持 AVX-512 BF16 或 AMX 的 CPU 上更快）</translation>
    </message>
    <message>
        <source>Precision:</source>
        <translation>精度：</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Run folder:</source>
        <translation>运行文件夹：</translation>
    </message>
    <message>
        <source>Run folder</source>
        <translation>运行文件夹</translation>
    </message>
    <message>
        <source>New settings apply to the next job; a running job keeps its own.</source>
        <translation>新设置将应用于下一个任务；正在运行的任务保留其原有设置。</translation>
    </message>
    <message>
        <source>Reopen what was open when the studio last closed</source>
        <translation>重新打开上次关闭时打开的内容</translation>
    </message>
    <message>
        <source>At start:</source>
        <translation>启动时：</translation>
    </message>
</context>
<context>
    <name>tleg::gui::StepGuide</name>
    <message>
        <source>Next: %1 →</source>
        <translation>下一步：%1 →</translation>
    </message>
</context>
<context>
    <name>tleg::gui::TrainingPanel</name>
    <message>
        <source>Not started.</source>
        <translation>未开始。</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Pausing after the current batch…</source>
        <translation>将在当前批次结束后暂停…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Paused at step %1 of %2; the ETA leaves the pause out.</source>
        <translation>已在第 %1 步（共 %2 步）暂停；ETA 不计入暂停时间。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Epoch %1 of %2, step %3 of %4, ETA %5</source>
        <translation>第 %1/%2 轮，第 %3/%4 步，ETA %5</translation>
    </message>
    <message>
        <source>Failed.</source>
        <translation>失败。</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>Finished in %1.</source>
        <translation>已完成，用时 %1。</translation>
    </message>
</context>
<context>
    <name>tleg::gui::TrainingPlot</name>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>loss (smoothed)</source>
        <translation>损失（平滑）</translation>
    </message>
    <message>
        <source>val top-1 %</source>
        <translation>验证 top-1 %</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>top-1 (%)</source>
        <translation>top-1 (%)</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
</context>
<context>
    <name>tleg::gui::WeightView</name>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>Std</source>
        <translation>标准差</translation>
    </message>
    <message>
        <source>Layer kind</source>
        <translation>层类型</translation>
    </message>
    <message>
        <source>θ_A parameters</source>
        <translation>θ_A 参数</translation>
    </message>
    <message>
        <source>θ_B parameters</source>
        <translation>θ_B 参数</translation>
    </message>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>count</source>
        <translation>计数</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>No file open.</source>
        <translation>未打开文件。</translation>
    </message>
    <message>
        <source>%1
Kind: %2 · %3 tensors in %4 groups · %5 parameters</source>
        <translation>%1
类型：%2 · %4 组中共 %3 个张量 · %5 参数</translation>
    </message>
    <message>
        <source>foreign (no TLEG metadata)</source>
        <translation>外部（无 TLEG 元数据）</translation>
    </message>
</context>
</TS>
