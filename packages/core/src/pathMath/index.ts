// Riemann and Gauss-Legendre nodes and weights (Captum's approximation_methods).
export {};
