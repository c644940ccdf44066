// implemented by its owner; see the package README
export {};
