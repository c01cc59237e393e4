console.log('gotthard');
