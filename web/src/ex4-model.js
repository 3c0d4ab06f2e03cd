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
  coming: 'This exercise arrives with the int8 model work in the WebAssembly core (an int8 matrix multiply and a small network), which is being written now. Until then there is nothing to run on this page: the numbers would not come from the core, and this lab shows no number that does not.',
  lesson: {
    idea: [
      'Dynamic quantization stores the weights of every linear layer as int8 with one scale per output channel, as in exercise 2. At run time it quantizes each input vector with its own scale, multiplies integers by integers, adds in int32 and converts the result back to float with the product of the two scales.',
      'The network here is the notebook’s: 784 inputs (a 28×28 image), a hidden layer of 256 units with ReLU, and 10 outputs.',
    ],
    why: [
      'The weights shrink about 4× (one byte instead of four, plus one scale per row), and integer multiply-adds run faster than float ones, especially with SIMD. The question is what it costs: how often do the float and the int8 networks still pick the same output?',
    ],
    formula: {
      math: [
        'W_q = clip(round(W / s_W[r]), −127, 127)      per output row r (int8)',
        'x_q = clip(round(x / s_x), −127, 127)         per input vector (int8)',
        'y   ≈ (W_q · x_q) × s_W[r] × s_x + b          int32 sums, then float',
      ].join('\n'),
      notes: [
        'What the page will show: the size of both models as a bar chart, a timing comparison run in a Web Worker with progress and a Cancel button, and how closely the outputs agree (largest difference, and how often the top class is the same).',
      ],
    },
  },
};
