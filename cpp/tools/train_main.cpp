// quantlab_train: the native tool behind build-scripts/train.sh (and two of the tests). It reads Fashion-MNIST
// from Debian's dataset-fashion-mnist (idx .gz files, decompressed here with zlib), trains SimpleNet with the
// core's trainer, and writes the committed artifacts (docs/data-and-training.md):
//
//   quantlab_train train --data DIR --out DIR [--epochs N] [--batch N] [--seed N] [--lr X] [--optimizer adam|sgd]
//       the model file, its provenance (JSON) and the calibration subset (idx .gz) into --out
//   quantlab_train check --data DIR --dir DIR
//       the committed model's test accuracy equals its provenance's, and the calibration subset is the one the
//       provenance names (exit 1 otherwise)
//   quantlab_train subset --data DIR --out DIR
//       only the training subset for QAT (10,000 training images, idx .gz), also written by train
//   quantlab_train qat --data DIR --dir DIR [--epochs N]
//       the default QAT run from the committed model over the committed training subset: test accuracy of the
//       4-, 3- and 2-bit per-channel models, after round-to-nearest and after each epoch
//   quantlab_train smoke --data DIR
//       a short training run (one epoch over 12,000 training images) must learn: the loss falls and the test
//       accuracy ends well above chance
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "quantlab/dataset.hpp"
#include "quantlab/errors.hpp"
#include "quantlab/evaluate.hpp"
#include "quantlab/model.hpp"
#include "quantlab/numpy_random.hpp"
#include "quantlab/qat.hpp"
#include "quantlab/train.hpp"

namespace {

using quantlab::Dataset;

constexpr const char* kModelFile = "simplenet-fashion.qlmodel";
constexpr const char* kProvenanceFile = "simplenet-fashion.json";
constexpr const char* kCalibrationImages = "fashion-mnist-calibration-images.idx3.gz";
constexpr const char* kCalibrationLabels = "fashion-mnist-calibration-labels.idx1.gz";
constexpr std::uint32_t kCalibrationSeed = 12;
constexpr std::size_t kCalibrationCount = 1024;
// The training subset for quantization-aware training in the browser (docs/qat.md): the first 10,000 of the same
// permutation, so the calibration subset is its first 1,024.
constexpr const char* kTrainSubsetImages = "fashion-mnist-train-subset-images.idx3.gz";
constexpr const char* kTrainSubsetLabels = "fashion-mnist-train-subset-labels.idx1.gz";
constexpr std::size_t kTrainSubsetCount = 10000;

struct Fail {
  std::string message;
};

std::vector<std::uint8_t> read_gz(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw Fail{path + ": cannot open it (is dataset-fashion-mnist installed? build-scripts/setup.sh installs it)"};
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> buf(1 << 20);
  for (;;) {
    const int n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int code = 0;
      const std::string msg = gzerror(f, &code);
      gzclose(f);
      throw Fail{path + ": not a valid gzip file (" + msg + ")"};
    }
    if (n == 0) break;
    out.insert(out.end(), buf.begin(), buf.begin() + n);
  }
  gzclose(f);
  return out;
}

void write_gz(const std::string& path, const std::vector<std::uint8_t>& data) {
  gzFile f = gzopen(path.c_str(), "wb9");  // zlib writes mtime 0: the same bytes every time
  if (!f || gzwrite(f, data.data(), static_cast<unsigned>(data.size())) != static_cast<int>(data.size()) || gzclose(f) != Z_OK) {
    throw Fail{path + ": cannot write it"};
  }
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Fail{path + ": cannot open it"};
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
  if (!out) throw Fail{path + ": cannot write it"};
}

Dataset load(const std::string& dir, const std::string& name, const std::string& prefix, std::size_t count) {
  const auto images = read_gz(dir + "/" + prefix + "-images-idx3-ubyte.gz");
  const auto labels = read_gz(dir + "/" + prefix + "-labels-idx1-ubyte.gz");
  return quantlab::parse_idx_dataset(images.data(), images.size(), labels.data(), labels.size(), name, count);
}

Dataset load_train(const std::string& dir) { return load(dir, "training", "train", 60000); }
Dataset load_test(const std::string& dir) { return load(dir, "test", "t10k", 10000); }

// The first `count` of np.random.seed(12); np.random.permutation(60000), in that order.
Dataset first_of_permutation(const Dataset& train, std::size_t count) {
  std::vector<std::size_t> order = quantlab::NumpyRandom(kCalibrationSeed).permutation(train.count);
  order.resize(count);
  return quantlab::select_examples(train, order);
}

// The calibration subset: the first 1,024 of that permutation.
Dataset calibration_subset(const Dataset& train) { return first_of_permutation(train, kCalibrationCount); }
// The training subset: the first 10,000.
Dataset train_subset(const Dataset& train) { return first_of_permutation(train, kTrainSubsetCount); }

// Writes the training subset into `out` (idx .gz).
void write_train_subset(const Dataset& train, const std::string& out) {
  const Dataset subset = train_subset(train);
  write_gz(out + "/" + kTrainSubsetImages, quantlab::idx_images_bytes(subset));
  write_gz(out + "/" + kTrainSubsetLabels, quantlab::idx_labels_bytes(subset));
}

struct Args {
  std::map<std::string, std::string> values;
  std::string get(const std::string& key, const std::string& fallback = "") const {
    const auto it = values.find(key);
    return it == values.end() ? fallback : it->second;
  }
  std::string required(const std::string& key) const {
    const auto it = values.find(key);
    if (it == values.end()) throw Fail{"--" + key + " is required"};
    return it->second;
  }
  double number(const std::string& key, double fallback) const {
    const auto it = values.find(key);
    if (it == values.end()) return fallback;
    char* end = nullptr;
    const double v = std::strtod(it->second.c_str(), &end);
    if (end == it->second.c_str() || *end != '\0') throw Fail{"--" + key + " must be a number, got " + it->second};
    return v;
  }
};

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// The shortest text that reads back as the same double (as JavaScript prints it).
std::string num(double v) { return quantlab::format_number(v); }

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A number field of our own provenance JSON ("key": value).
double json_number(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const std::size_t at = json.find(needle);
  if (at == std::string::npos) throw Fail{"the provenance has no \"" + key + "\""};
  return std::strtod(json.c_str() + at + needle.size(), nullptr);
}

int train(const Args& args) {
  const std::string data = args.required("data"), out = args.required("out");
  quantlab::TrainOptions o;
  o.seed = quantlab::seed_from_number(args.number("seed", 0));
  o.batch_size = quantlab::count_from_number(args.number("batch", 128), "--batch", 1, 65536);
  o.learning_rate = args.number("lr", 1e-3);
  o.optimizer = quantlab::optimizer_from_name(args.get("optimizer", "adam"));
  const std::size_t epochs = quantlab::count_from_number(args.number("epochs", 8), "--epochs", 1, 1000);

  const auto started = std::chrono::steady_clock::now();
  const double cpu_started = cpu_seconds();
  const Dataset train_set = load_train(data), test_set = load_test(data);
  const Dataset calibration = calibration_subset(train_set);
  const quantlab::Mlp initial = quantlab::Mlp::simple_net(o.seed);
  quantlab::Trainer trainer(train_set, initial, o);
  std::printf("[train] SimpleNet 784-256-10 on %zu images: %s lr %g, batch %zu, seed %u, %zu epochs of %zu steps (%s kernels)\n",
              train_set.count, quantlab::optimizer_name(o.optimizer), o.learning_rate, o.batch_size, o.seed, epochs,
              trainer.steps_per_epoch(), quantlab::kernels::best_kernels().name);
  std::ostringstream log;
  double train_seconds = 0, train_cpu_seconds = 0;
  for (std::size_t e = 1; e <= epochs; ++e) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    const quantlab::StepStats s = trainer.run(trainer.steps_per_epoch());
    train_seconds += seconds_since(t0);
    train_cpu_seconds += cpu_seconds() - c0;
    const quantlab::Evaluation ev = quantlab::evaluate(trainer.model(), test_set);
    std::printf("[train] epoch %zu: loss %.4f, training accuracy %.4f, test accuracy %.4f (%.1f s)\n", e, s.mean_loss(),
                s.accuracy(), ev.accuracy(), train_seconds);
    std::fflush(stdout);
    log << (e > 1 ? ",\n    " : "") << "{\"epoch\": " << e << ", \"train_loss\": " << fixed(s.mean_loss(), 6)
        << ", \"train_accuracy\": " << fixed(s.accuracy(), 6) << ", \"test_accuracy\": " << fixed(ev.accuracy(), 4) << "}";
  }
  const quantlab::Mlp model = trainer.model();
  const quantlab::Evaluation fp32 = quantlab::evaluate(model, test_set);
  const quantlab::Evaluation tensor = quantlab::evaluate(model.quantize_dynamic(false), test_set);
  const quantlab::Evaluation channel = quantlab::evaluate(model.quantize_dynamic(true), test_set);
  const std::vector<std::uint8_t> bytes = model.serialize();
  write_file(out + "/" + kModelFile, std::string(bytes.begin(), bytes.end()));
  write_gz(out + "/" + kCalibrationImages, quantlab::idx_images_bytes(calibration));
  write_gz(out + "/" + kCalibrationLabels, quantlab::idx_labels_bytes(calibration));
  write_train_subset(train_set, out);
  const double total_seconds = seconds_since(started), total_cpu_seconds = cpu_seconds() - cpu_started;

  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x", quantlab::model_crc32(bytes.data(), bytes.size() - 4));
  std::ostringstream j;
  j << "{\n"
    << "  \"about\": \"SimpleNet trained on Fashion-MNIST by build-scripts/train.sh (cpp/tools/train_main.cpp); "
       "docs/data-and-training.md\",\n"
    << "  \"model_file\": \"" << kModelFile << "\",\n"
    << "  \"model_bytes\": " << bytes.size() << ",\n"
    << "  \"model_crc32\": \"" << crc << "\",\n"
    << "  \"layers\": [784, 256, 10],\n"
    << "  \"dataset\": \"Fashion-MNIST, Debian package dataset-fashion-mnist (MIT licence)\",\n"
    << "  \"inputs\": \"pixel / 255\",\n"
    << "  \"train_images\": " << train_set.count << ",\n"
    << "  \"test_images\": " << test_set.count << ",\n"
    << "  \"seed\": " << o.seed << ",\n"
    << "  \"init\": \"nn.Linear's default, uniform in +-1/sqrt(fan_in), from numpy.random.seed(seed) (Mlp::create)\",\n"
    << "  \"shuffle\": \"epoch e visits the images in the order of the e-th numpy.random.permutation(60000) after "
       "numpy.random.seed(seed)\",\n"
    << "  \"epochs\": " << epochs << ",\n"
    << "  \"batch_size\": " << o.batch_size << ",\n"
    << "  \"optimizer\": {\"name\": \"" << quantlab::optimizer_name(o.optimizer) << "\", \"learning_rate\": "
    << num(o.learning_rate) << ", \"beta1\": " << num(o.beta1) << ", \"beta2\": " << num(o.beta2)
    << ", \"epsilon\": " << num(o.epsilon) << ", \"momentum\": " << num(o.momentum) << "},\n"
    << "  \"loss\": \"softmax cross-entropy, mean over the batch\",\n"
    << "  \"kernels\": \"" << quantlab::kernels::best_kernels().name << "\",\n"
    << "  \"test_correct\": " << fp32.correct << ",\n"
    << "  \"test_accuracy\": " << fixed(fp32.accuracy(), 4) << ",\n"
    << "  \"test_correct_int8_per_tensor\": " << tensor.correct << ",\n"
    << "  \"test_correct_int8_per_channel\": " << channel.correct << ",\n"
    << "  \"train_seconds\": " << fixed(train_seconds, 1) << ",\n"
    << "  \"train_cpu_seconds\": " << fixed(train_cpu_seconds, 1) << ",\n"
    << "  \"command_seconds\": " << fixed(total_seconds, 1) << ",\n"
    << "  \"command_cpu_seconds\": " << fixed(total_cpu_seconds, 1) << ",\n"
    << "  \"threads\": 1,\n"
    << "  \"compiler\": \"g++ " << __VERSION__ << "\",\n"
    << "  \"calibration\": {\"images\": \"" << kCalibrationImages << "\", \"labels\": \"" << kCalibrationLabels
    << "\", \"count\": " << kCalibrationCount << ", \"seed\": " << kCalibrationSeed
    << ", \"chosen\": \"the first 1024 of numpy.random.seed(12); numpy.random.permutation(60000) over the training "
       "images, in that order\"},\n"
    << "  \"epoch_log\": [\n    " << log.str() << "\n  ]\n"
    << "}\n";
  write_file(out + "/" + kProvenanceFile, j.str());
  std::printf("[train] test accuracy: fp32 %.4f, int8 per tensor %.4f, int8 per channel %.4f\n", fp32.accuracy(),
              tensor.accuracy(), channel.accuracy());
  std::printf("[train] training %.1f s (%.1f s of CPU), whole command %.1f s; wrote %s/%s (%zu bytes, CRC-32 %s), %s and the calibration subset\n",
              train_seconds, train_cpu_seconds, total_seconds, out.c_str(), kModelFile, bytes.size(), crc, kProvenanceFile);
  return 0;
}

int check(const Args& args) {
  const std::string data = args.required("data"), dir = args.required("dir");
  const std::vector<std::uint8_t> bytes = read_file(dir + "/" + kModelFile);
  const std::vector<std::uint8_t> json_bytes = read_file(dir + "/" + kProvenanceFile);
  const std::string json(json_bytes.begin(), json_bytes.end());
  const quantlab::Mlp model = quantlab::Mlp::deserialize(bytes.data(), bytes.size());
  const Dataset test_set = load_test(data);
  int failures = 0;
  auto expect = [&](const char* what, std::size_t got, const std::string& key) {
    const auto want = static_cast<std::size_t>(json_number(json, key));
    std::printf("[check] %s: %zu of %zu test images correct, provenance %zu: %s\n", what, got, test_set.count, want,
                got == want ? "same" : "DIFFERENT");
    failures += got != want;
  };
  expect("fp32", quantlab::evaluate(model, test_set).correct, "test_correct");
  expect("int8 per tensor", quantlab::evaluate(model.quantize_dynamic(false), test_set).correct, "test_correct_int8_per_tensor");
  expect("int8 per channel", quantlab::evaluate(model.quantize_dynamic(true), test_set).correct, "test_correct_int8_per_channel");
  if (static_cast<double>(bytes.size()) != json_number(json, "model_bytes")) {
    std::printf("[check] the model file has %zu bytes, the provenance says %s\n", bytes.size(), num(json_number(json, "model_bytes")).c_str());
    ++failures;
  }
  const Dataset train_set = load_train(data);
  const Dataset calibration = calibration_subset(train_set);
  const bool images_same = read_gz(dir + "/" + kCalibrationImages) == quantlab::idx_images_bytes(calibration);
  const bool labels_same = read_gz(dir + "/" + kCalibrationLabels) == quantlab::idx_labels_bytes(calibration);
  std::printf("[check] calibration subset: %s\n", images_same && labels_same ? "the 1024 training images the provenance names" : "DIFFERENT");
  failures += !(images_same && labels_same);
  const Dataset subset = train_subset(train_set);
  const bool subset_same = read_gz(dir + "/" + kTrainSubsetImages) == quantlab::idx_images_bytes(subset) &&
                           read_gz(dir + "/" + kTrainSubsetLabels) == quantlab::idx_labels_bytes(subset);
  std::printf("[check] training subset: %s\n", subset_same ? "the first 10000 training images of the permutation" : "DIFFERENT");
  failures += !subset_same;
  return failures == 0 ? 0 : 1;
}

// The documented default QAT run (docs/qat.md): from the committed fp32 model, --epochs (2) over the training
// subset in --dir, Adam 1e-3, batch 128, seed 0, per channel, 4, 3 and 2 bits; test accuracy after each epoch.
int qat(const Args& args) {
  const std::string data = args.required("data"), dir = args.required("dir");
  const auto epochs = static_cast<std::size_t>(args.number("epochs", 2));
  const std::vector<std::uint8_t> bytes = read_file(dir + "/" + kModelFile);
  const quantlab::Mlp fp32 = quantlab::Mlp::deserialize(bytes.data(), bytes.size());
  const auto images = read_gz(dir + "/" + kTrainSubsetImages), labels = read_gz(dir + "/" + kTrainSubsetLabels);
  const Dataset subset = quantlab::parse_idx_dataset(images.data(), images.size(), labels.data(), labels.size(),
                                                     "training subset", kTrainSubsetCount);
  const Dataset test_set = load_test(data);
  std::printf("[qat] fp32 %.4f\n", quantlab::evaluate(fp32, test_set).accuracy());
  for (int bits : {4, 3, 2}) {
    quantlab::QatOptions q;
    q.bits = bits;
    quantlab::QatTrainer t(subset, fp32, quantlab::TrainOptions{}, q);
    std::printf("[qat] %d-bit per channel: RTN %.4f", bits, quantlab::evaluate(t.quantized_model(), test_set).accuracy());
    for (std::size_t e = 0; e < epochs; ++e) {
      const auto t0 = std::chrono::steady_clock::now();
      const quantlab::StepStats s = t.trainer().run(t.trainer().steps_per_epoch());
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf(", epoch %zu (loss %.4f, %.2f s) %.4f", e + 1, s.mean_loss(), secs,
                  quantlab::evaluate(t.quantized_model(), test_set).accuracy());
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  return 0;
}

int subset(const Args& args) {
  const std::string data = args.required("data"), out = args.required("out");
  write_train_subset(load_train(data), out);
  std::printf("[subset] wrote %s/%s and %s/%s\n", out.c_str(), kTrainSubsetImages, out.c_str(), kTrainSubsetLabels);
  return 0;
}

int smoke(const Args& args) {
  const std::string data = args.required("data");
  const Dataset full = load_train(data), test_set = load_test(data);
  std::vector<std::size_t> order = quantlab::NumpyRandom(1).permutation(full.count);
  order.resize(12000);
  quantlab::TrainOptions o;
  o.seed = 1;
  quantlab::Trainer trainer(quantlab::select_examples(full, order), quantlab::Mlp::simple_net(1), o);
  const double before = quantlab::evaluate(trainer.model(), test_set).accuracy();
  const quantlab::StepStats first = trainer.run(10);
  trainer.run(trainer.steps_per_epoch() - 20);
  const quantlab::StepStats last = trainer.run(10);
  const double after = quantlab::evaluate(trainer.model(), test_set).accuracy();
  std::printf("[smoke] one epoch on 12000 images: mean loss %.4f over the first 10 steps, %.4f over the last 10; "
              "test accuracy %.4f before, %.4f after\n", first.mean_loss(), last.mean_loss(), before, after);
  const bool learned = last.mean_loss() < 0.6 * first.mean_loss() && after > 0.70;
  std::printf("[smoke] %s (needs the loss to fall by 40%% and accuracy above 0.70; chance is 0.10)\n", learned ? "learned" : "DID NOT LEARN");
  return learned ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: quantlab_train train|check|smoke|subset|qat --data DIR [--out DIR | --dir DIR] [options]\n");
    return 2;
  }
  Args args;
  for (int i = 2; i < argc; i += 2) {
    if (std::strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc) {
      std::fprintf(stderr, "quantlab_train: expected --option value pairs, got '%s'\n", argv[i]);
      return 2;
    }
    args.values[argv[i] + 2] = argv[i + 1];
  }
  const std::string command = argv[1];
  try {
    if (command == "train") return train(args);
    if (command == "check") return check(args);
    if (command == "smoke") return smoke(args);
    if (command == "subset") return subset(args);
    if (command == "qat") return qat(args);
    std::fprintf(stderr, "quantlab_train: unknown command '%s' (train, check, smoke, subset or qat)\n", command.c_str());
    return 2;
  } catch (const Fail& f) {
    std::fprintf(stderr, "quantlab_train: %s\n", f.message.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "quantlab_train: %s\n", e.what());
  }
  return 1;
}
