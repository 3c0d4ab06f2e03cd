// Exercise 4: a 784→256→ReLU→10 network quantized dynamically to int8. Its page waits for the model API of the
// WebAssembly core (int8 GEMM and the MLP), which is being built now; until then it says so. When it lands, this
// module gets a mountLab (a size bar chart, a timing comparison in its own worker with progress and Cancel, and
// the agreement of the float and int8 outputs) and a tasks module, like exercises 1 to 3.
import { STATE } from './state.js';

export default {
  id: 'ex4',
  number: 4,
  title: 'Quantize a small network to int8',
  params: STATE.ex4,
  coming: 'This exercise arrives with the int8 model work in the WebAssembly core (an int8 matrix multiply and a small network), which is being written now. Until then this page has nothing to run: every number in this lab comes from the core, and the core cannot run the network yet.',
  lesson: {
    idea: [
      'Dynamic quantization stores the weights of every linear layer as int8 plus a scale (one for the whole matrix in PyTorch’s default, one per row in some toolchains, as in exercise 2). At run time it quantizes each input vector with a scale of its own, multiplies integers by integers, adds in int32 and converts the sums back to float with the product of the two scales.',
      'The network here is the notebook’s: 784 inputs (a 28×28 image), a hidden layer of 256 units with ReLU, and 10 outputs.',
    ],
    why: [
      'The weights shrink about 4× (one byte instead of four, plus one scale per row), and integer multiply-adds run faster than float ones, especially with SIMD. The question is what it costs: how often do the float and the int8 networks still pick the same output?',
    ],
    formula: {
      math: [
        'W_q = clip(round(W / s_W), −127, 127)         once, when the model is quantized (int8)',
        'x_q = clip(round(x / s_x), −127, 127)         for every input vector (int8)',
        'y   ≈ (W_q · x_q) × s_W × s_x + b             int32 sums, then float',
      ].join('\n'),
      notes: [
        'What the page will show: the size of both models as a bar chart, a timing comparison run in a Web Worker with progress and a Cancel button, and how closely the outputs agree (largest difference, and how often the top class is the same).',
      ],
    },
  },
};
